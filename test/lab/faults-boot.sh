# Boot-failure faults (issue 4 item 1), sourced by test/lab/fault.sh: API-level, they create
# resources and boot servers and stop no service. Each heal deletes what its inject/symptom made.
# Uses fault.sh's helpers (os, delete_server, wait_server_status, FAULT_DIR, log).

# the project the lab's admin credentials boot into (the symptoms boot there)
boot_project() { os token issue -f value -c project_id; }

# ---- quota-exceeded: the project's instances quota set to what it already uses; one more boot is refused ----
inject_quota-exceeded() {
  local p used
  p=$(boot_project)
  [[ -s $FAULT_DIR/quota-exceeded ]] || os quota show "$p" -f value -c instances > "$FAULT_DIR/quota-exceeded"
  used=$(os server list --project "$p" -f value -c ID | wc -l)
  os quota set --instances "$used" "$p"
}
symptom_quota-exceeded() {
  # The API refuses the create (403), so no server exists: the operator has the name and the error.
  OS_TIMEOUT=60 os server create --flavor m1.tiny --image cirros-fake --network private --security-group web \
    vm-quota-1 >&2 || true
  os quota show "$(boot_project)" -f value -c instances >&2 || true
}
heal_quota-exceeded() {
  delete_server vm-quota-1
  if [[ -s $FAULT_DIR/quota-exceeded ]]; then
    os quota set --instances "$(cat "$FAULT_DIR/quota-exceeded")" "$(boot_project)"
  fi
  rm -f "$FAULT_DIR/quota-exceeded"
}

# ---- flavor-too-large: a flavor asking more RAM and disk than any compute has ----
inject_flavor-too-large() {
  os flavor show m1.huge-lab >/dev/null 2>&1 ||
    os flavor create --ram 512 --disk 2000000 --vcpus 1 m1.huge-lab >/dev/null
  touch "$FAULT_DIR/flavor-too-large"
}
symptom_flavor-too-large() {
  delete_server vm-bigflavor-1
  OS_TIMEOUT=60 os server create --flavor m1.huge-lab --image cirros-fake --network private --security-group web \
    vm-bigflavor-1 >/dev/null || true
  wait_server_status vm-bigflavor-1 'ERROR|ACTIVE' 90 >&2 || true
  os server show vm-bigflavor-1 -f value -c fault >&2 || true
}
heal_flavor-too-large() {
  delete_server vm-bigflavor-1
  os flavor delete m1.huge-lab 2>/dev/null || true
  rm -f "$FAULT_DIR/flavor-too-large"
}

# ---- filter-no-host: an image asking for s390x; placement offers both computes, ImagePropertiesFilter drops them ----
inject_filter-no-host() {
  if ! os image show cirros-s390x >/dev/null 2>&1; then
    local f=$FAULT_DIR/cirros-s390x.img
    os image save --file "$f" cirros-fake
    os image create --disk-format qcow2 --container-format bare --file "$f" \
      --property hw_architecture=s390x cirros-s390x >/dev/null
    rm -f "$f"
  fi
  touch "$FAULT_DIR/filter-no-host"
}
symptom_filter-no-host() {
  delete_server vm-s390x-1
  OS_TIMEOUT=60 os server create --flavor m1.tiny --image cirros-s390x --network private --security-group web \
    vm-s390x-1 >/dev/null || true
  wait_server_status vm-s390x-1 'ERROR|ACTIVE' 90 >&2 || true
  os server show vm-s390x-1 -f value -c fault >&2 || true
}
heal_filter-no-host() {
  delete_server vm-s390x-1
  os image delete cirros-s390x 2>/dev/null || true
  rm -f "$FAULT_DIR/filter-no-host" "$FAULT_DIR/cirros-s390x.img"
}

# ---- image-unusable: a copy of cirros-fake, deactivated in glance; a boot from it is refused ----
# (`openstack image create` without --file is no empty image here: with stdin not a tty the client
# uploads stdin, the image goes active with 0 bytes and the fake driver boots it ACTIVE — seen live.)
inject_image-unusable() {
  if ! os image show cirros-empty >/dev/null 2>&1; then
    local f=$FAULT_DIR/cirros-empty.img
    os image save --file "$f" cirros-fake
    os image create --disk-format qcow2 --container-format bare --file "$f" cirros-empty >/dev/null
    rm -f "$f"
  fi
  os image set --deactivate cirros-empty
  touch "$FAULT_DIR/image-unusable"
}
symptom_image-unusable() {
  delete_server vm-noimage-1
  OS_TIMEOUT=60 os server create --flavor m1.tiny --image cirros-empty --network private --security-group web \
    vm-noimage-1 >&2 || true
  wait_server_status vm-noimage-1 'ERROR|ACTIVE' 30 >&2 || true
  os image show cirros-empty -f value -c status >&2 || true
}
heal_image-unusable() {
  delete_server vm-noimage-1
  os image delete cirros-empty 2>/dev/null || true
  rm -f "$FAULT_DIR/image-unusable" "$FAULT_DIR/cirros-empty.img"
}
