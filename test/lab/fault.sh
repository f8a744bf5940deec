#!/usr/bin/env bash
# npm run lab:fault -- <name>            inject a fault
# npm run lab:fault -- --heal <name>     undo it and wait until the lab is healthy again
# npm run lab:fault -- --symptom <name>  bring the user-visible symptom about (e.g. a boot that fails)
# npm run lab:fault -- --list            list the faults
#
# Each fault records its undo information in /run/lab/faults/<name>. Heals are idempotent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

FAULT_DIR=$LAB_RUN/faults
mkdir -p "$FAULT_DIR"

# name|description — the order is the priority order of the brief.
FAULTS=(
  "nova-compute-down|nova-compute stopped on compute-0 (service goes down after service_down_time)"
  "ovs-agent-down|neutron-openvswitch-agent killed on compute-0 (agent dead after agent_down_time)"
  "ovs-vswitchd-down|ovs-vswitchd stopped on compute-0 (br-int gone from OpenFlow; ovsdb still says connected)"
  "sg-no-ssh|tcp/22 ingress rule removed from security group 'web' of vm-web-1"
  "sg-no-egress|all egress rules removed from security group 'web'"
  "port-tag-removed|vm-web-1's port on compute-0 br-int loses its VLAN tag and its per-port flows"
  "port-binding-failed|OVS agent dead on compute-1, then a server pinned to compute-1 fails to bind its port"
  "mtu-mismatch|vm-web-1's VIF MTU set to 1500 on a 1450 (vxlan) network"
  "dhcp-agent-down|neutron-dhcp-agent stopped on controller-0"
  "node-cpu-saturated|compute-0 capped at 0.05 CPU (cgroup) and saturated by stress-ng; a boot there times out"
  "nova-conductor-down|nova-conductor stopped (new boots stay BUILD, computes log MessagingTimeout)"
  "placement-down|placement API stopped (boots fail with NoValidHost)"
  "rabbitmq-down|RabbitMQ stopped (casts hang, services and agents go down)"
  "cinder-volume-down|cinder-volume stopped (new volumes go to error)"
  "clock-skew|compute-1's processes see the wall clock 10 minutes ahead (libfaketime via the node's /etc/ld.so.preload)"
  "instance-shutoff|vm-web-1 stopped (openstack server stop: SHUTOFF, its sshd gone with it)"
  "no-keypair|vm-nokey-1 booted on compute-0 without a keypair (key_name null; the fake driver's console shows no cloud-init)"
  "cell-unmapped|compute-1's host mapping deleted (nova-manage cell_v2 delete_host); a boot pinned to compute-1 goes ERROR"
  "rabbitmq-memory-alarm|RabbitMQ vm_memory_high_watermark 0.0001: memory alarm, publishers block"
  "cinder-out-of-capacity|the fake cinder backend reports 10 GB total; a 20 GB volume finds no valid backend"
  "floating-ip-disassociated|vm-web-1's floating IP removed from it (openstack server remove floating ip): the address stays allocated, bound to no port"
  "l3-agent-down|neutron-l3-agent stopped on controller-0 (dead after agent_down_time; router r-web's only agent)"
  "quota-exceeded|the admin project's instances quota set to what it already uses; boot vm-quota-1 is refused (403)"
  "flavor-too-large|flavor m1.huge-lab (2,000,000 GB of disk; the fake computes offer 600,000); boot vm-bigflavor-1 goes ERROR NoValidHost (no allocation candidates)"
  "filter-no-host|image cirros-s390x (hw_architecture=s390x); placement offers both computes, ImagePropertiesFilter removes them: NoValidHost"
  "image-unusable|image cirros-empty (a copy of cirros-fake) deactivated in glance; boot vm-noimage-1 is refused at the API (Image ... is not active, 400)"
)

fault_names() { local f; for f in "${FAULTS[@]}"; do echo "${f%%|*}"; done; }

vm_port() { os port list --server vm-web-1 -f value -c ID | head -1; }
tap_of() { echo "tap${1:0:11}"; }
wait_server_status() { # NAME STATUS_REGEX SECONDS
  local end=$((SECONDS + $3)) s
  while ((SECONDS < end)); do
    s=$(os server show "$1" -f value -c status 2>/dev/null || echo MISSING)
    [[ $s =~ ^($2)$ ]] && { echo "$s"; return 0; }
    sleep 2
  done
  echo "${s:-MISSING}"; return 1
}
agent_alive() { # HOST -> prints True/False
  os network agent list --host "$1" --agent-type open-vswitch -f value -c Alive
}
wait_agent() { # HOST True|False SECONDS
  local end=$((SECONDS + $3))
  until [[ $(agent_alive "$1") == "$2" ]]; do ((SECONDS < end)) || return 1; sleep 2; done
}
wait_service_state() { # BINARY HOST up|down SECONDS
  local end=$((SECONDS + $4))
  until [[ $(os compute service list --service "$1" --host "$2" -f value -c State 2>/dev/null) == "$3" ]]; do
    ((SECONDS < end)) || return 1; sleep 2
  done
}
delete_server() { os server show "$1" >/dev/null 2>&1 && os server delete --wait "$1" >/dev/null 2>&1 || true; }

# ---------------- inject / heal / symptom per fault ----------------

inject_nova-compute-down() { stop_service nova-compute compute-0; }
heal_nova-compute-down() { start_service nova-compute compute-0; delete_server vm-nocompute-1; }
symptom_nova-compute-down() {
  wait_service_state nova-compute compute-0 down 90 || log "compute-0 not yet reported down"
  os compute service list --service nova-compute -f value -c Host -c State >&2
  # The user-visible failure: a boot asking for compute-0 (2.74 --host keeps the scheduler's filters,
  # unlike az:host) finds no valid host.
  delete_server vm-nocompute-1
  OS_TIMEOUT=60 os --os-compute-api-version 2.74 server create --flavor m1.tiny --image cirros-fake --network private \
    --security-group web --host compute-0 vm-nocompute-1 >/dev/null || true
  wait_server_status vm-nocompute-1 'ERROR|ACTIVE' 90 >&2 || true
  os server show vm-nocompute-1 -f value -c fault >&2 || true
}

inject_ovs-agent-down() {
  local d; d=$(node_daemon neutron-openvswitch-agent compute-0)
  local pid; pid=$(daemon_pid "$d") || return 0
  kill -KILL -- "-$pid"; rm -f "$(pidfile "$d")"
}
heal_ovs-agent-down() { start_service neutron-openvswitch-agent compute-0; }
symptom_ovs-agent-down() {
  wait_agent compute-0 False 90 || log "agent on compute-0 not yet reported dead"
  os network agent list --host compute-0 -f value -c Binary -c Alive >&2
  vm_ssh_attempt   # flows stay in place: ssh still works while the agent is dead
}

inject_ovs-vswitchd-down() { stop_service ovs-vswitchd compute-0; }
heal_ovs-vswitchd-down() {
  start_service ovs-vswitchd compute-0
  # The restarted vswitchd recreates the VIF taps in compute-0's netns: hand them to the VM again.
  [[ -e /run/netns/vm-web-1 ]] && { sleep 3; bash "$LAB_DIR/vm-answer.sh" >/dev/null; }
  return 0
}
symptom_ovs-vswitchd-down() { node_exec compute-0 ovs-ofctl dump-flows br-int >&2 || true; vm_ssh_attempt; }

inject_sg-no-ssh() {
  local ids
  ids=$(os security group rule list web --ingress --protocol tcp -f value -c ID -c 'Port Range' | awk '$2=="22:22"{print $1}')
  [[ -n $ids ]] || { log "no tcp/22 ingress rule in 'web' (already injected?)"; return 0; }
  # shellcheck disable=SC2086
  os security group rule delete $ids
  touch "$FAULT_DIR/sg-no-ssh"
}
heal_sg-no-ssh() {
  if [[ -z $(os security group rule list web --ingress --protocol tcp -f value -c 'Port Range' | grep -x '22:22') ]]; then
    os security group rule create --ingress --protocol tcp --dst-port 22 --description lab-ssh web >/dev/null
  fi
  rm -f "$FAULT_DIR/sg-no-ssh"
}
symptom_sg-no-ssh() {
  os security group rule list web -f value -c 'IP Protocol' -c Direction -c 'Port Range' >&2
  vm_ssh_attempt
}
# The user-visible symptom of the vm-ssh-fail family: ssh to vm-web-1 from the probe namespace.
vm_ssh_attempt() {
  [[ -e /run/netns/vm-web-1 ]] || return 0
  local rc=0
  bash "$LAB_DIR/vm-answer.sh" --check >&2 || rc=$?
  echo "ssh root@$(cat "$LAB_RUN/vm-web-1.ip") from probe-compute-0: exit $rc" >&2
}

inject_sg-no-egress() {
  local ids; ids=$(os security group rule list web --egress -f value -c ID)
  # shellcheck disable=SC2086
  [[ -z $ids ]] || os security group rule delete $ids
}
heal_sg-no-egress() {
  local have; have=$(os security group rule list web --egress -f value -c Ethertype)
  grep -qx IPv4 <<<"$have" || os security group rule create --egress --ethertype IPv4 web >/dev/null
  grep -qx IPv6 <<<"$have" || os security group rule create --egress --ethertype IPv6 web >/dev/null
}
symptom_sg-no-egress() { symptom_sg-no-ssh; }

inject_port-tag-removed() {
  local port tap ofport
  port=$(vm_port); tap=$(tap_of "$port")
  ofport=$(node_exec compute-0 ovs-vsctl get Interface "$tap" ofport)
  node_exec compute-0 ovs-vsctl get Port "$tap" tag > "$FAULT_DIR/port-tag-removed"
  node_exec compute-0 ovs-vsctl clear Port "$tap" tag
  # The openvswitch firewall keys the port's flows on in_port and reg5 (= ofport).
  node_exec compute-0 ovs-ofctl del-flows br-int "in_port=$ofport"
  node_exec compute-0 ovs-ofctl del-flows br-int "reg5=$ofport"
}
heal_port-tag-removed() {
  # A restarted agent resyncs every port: tag and flows come back as neutron wants them.
  stop_service neutron-openvswitch-agent compute-0 5
  start_service neutron-openvswitch-agent compute-0
  rm -f "$FAULT_DIR/port-tag-removed"
}
symptom_port-tag-removed() {
  local tap; tap=$(tap_of "$(vm_port)")
  node_exec compute-0 ovs-vsctl --columns=name,tag list Port "$tap" >&2
  vm_ssh_attempt
}

inject_port-binding-failed() {
  local d; d=$(node_daemon neutron-openvswitch-agent compute-1)
  local pid; pid=$(daemon_pid "$d") && { kill -KILL -- "-$pid"; rm -f "$(pidfile "$d")"; }
  touch "$FAULT_DIR/port-binding-failed"
}
symptom_port-binding-failed() {
  wait_agent compute-1 False 90 || log "agent on compute-1 not yet reported dead"
  delete_server vm-bind-fail
  OS_TIMEOUT=60 os server create --flavor m1.tiny --image cirros-fake --network private --security-group web \
    --availability-zone nova:compute-1 vm-bind-fail >/dev/null || true
  wait_server_status vm-bind-fail 'ERROR|ACTIVE' 120 >&2 || true
  os server show vm-bind-fail -f value -c fault >&2 || true
}
heal_port-binding-failed() {
  delete_server vm-bind-fail
  start_service neutron-openvswitch-agent compute-1
  rm -f "$FAULT_DIR/port-binding-failed"
}

inject_mtu-mismatch() {
  local tap; tap=$(tap_of "$(vm_port)")
  node_exec compute-0 ovs-vsctl set Interface "$tap" mtu_request=1500
  # With vm-answer.sh the tap is the VM's NIC: the guest MTU is the mismatch a real cloud shows.
  ip -n vm-web-1 link set "$tap" mtu 1500 2>/dev/null || true
}
heal_mtu-mismatch() {
  local tap mtu; tap=$(tap_of "$(vm_port)"); mtu=$(os network show private -f value -c mtu)
  node_exec compute-0 ovs-vsctl set Interface "$tap" "mtu_request=$mtu"
  ip -n vm-web-1 link set "$tap" mtu "$mtu" 2>/dev/null || true
}
symptom_mtu-mismatch() {
  local tap; tap=$(tap_of "$(vm_port)")
  local vif; vif=$(ip -n vm-web-1 -o link show "$tap" 2>/dev/null | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
  [[ -n $vif ]] || vif=$(node_exec compute-0 ovs-vsctl get Interface "$tap" mtu)
  echo "network mtu $(os network show private -f value -c mtu), $tap mtu $vif" >&2
}

inject_dhcp-agent-down() { stop_service neutron-dhcp-agent; }
heal_dhcp-agent-down() { start_service neutron-dhcp-agent; }
symptom_dhcp-agent-down() {
  local end=$((SECONDS + 90))
  until [[ $(os network agent list --agent-type dhcp -f value -c Alive) == False ]]; do ((SECONDS < end)) || break; sleep 2; done
  os network agent list --agent-type dhcp -f value -c Host -c Alive >&2
}

# compute-0 gets a CPU budget of its own (a cgroup-v1 cpu group capped at 0.05 CPU, like a small
# node), and stress-ng inside the node eats it: nova-compute and the OVS agent on compute-0 starve
# while the controller keeps its CPU. /proc/loadavg is machine-wide, so every node sees the load.
NODE_CG=/sys/fs/cgroup/cpu/lab-compute-0
node_pids() { # every process whose PID namespace is compute-0's
  local h ns p; h=$(node_holder_pid compute-0) || return 0
  ns=$(readlink "/proc/$h/ns/pid")
  for p in /proc/[0-9]*; do [[ $(readlink "$p/ns/pid" 2>/dev/null) == "$ns" ]] && echo "${p#/proc/}"; done
  return 0
}
inject_node-cpu-saturated() {
  local p
  if [[ -d /sys/fs/cgroup/cpu && -w /sys/fs/cgroup/cpu ]]; then
    mkdir -p "$NODE_CG"
    echo 100000 > "$NODE_CG/cpu.cfs_period_us"; echo 5000 > "$NODE_CG/cpu.cfs_quota_us"
    for p in $(node_pids); do echo "$p" > "$NODE_CG/cgroup.procs" 2>/dev/null || true; done
  else
    log "no writable cgroup-v1 cpu controller: stress-ng competes for the whole machine"
  fi
  start_node_daemon stress-ng compute-0 root -- stress-ng --cpu "$(( $(nproc) * 4 ))" --cpu-method matrixprod \
    --timeout 1800 --quiet
  sleep 1
  [[ -d $NODE_CG ]] && for p in $(node_pids); do echo "$p" > "$NODE_CG/cgroup.procs" 2>/dev/null || true; done
  return 0
}
heal_node-cpu-saturated() {
  stop_service stress-ng compute-0 5
  if [[ -d $NODE_CG ]]; then
    local p
    for p in $(cat "$NODE_CG/cgroup.procs"); do echo "$p" > /sys/fs/cgroup/cpu/cgroup.procs 2>/dev/null || true; done
    rmdir "$NODE_CG" 2>/dev/null || log "could not remove $NODE_CG"
  fi
  delete_server vm-slow-1
}
symptom_node-cpu-saturated() {
  delete_server vm-slow-1
  # The operation that times out: a boot on the saturated node with a deadline a healthy lab meets (~10 s).
  if OS_TIMEOUT=30 os server create --flavor m1.tiny --image cirros-fake --network private --security-group web \
      --availability-zone nova:compute-0 --wait vm-slow-1 >/dev/null 2>&1; then
    log "vm-slow-1 went ACTIVE within 30 s despite the load"
  else
    log "server create --wait on compute-0 did not finish within 30 s (rc $?)"
  fi
  cat /proc/loadavg >&2
  [[ -f $NODE_CG/cpu.stat ]] && cat "$NODE_CG/cpu.stat" >&2
  return 0
}

inject_nova-conductor-down() { stop_service nova-conductor; }
heal_nova-conductor-down() { start_service nova-conductor; delete_server vm-stuck-1; }
symptom_nova-conductor-down() {
  delete_server vm-stuck-1
  OS_TIMEOUT=60 os server create --flavor m1.tiny --image cirros-fake --network private --security-group web \
    vm-stuck-1 >/dev/null || true
  sleep 40   # past rpc_response_timeout (30 s): computes log MessagingTimeout
  os server show vm-stuck-1 -f value -c status >&2 || true
}

inject_placement-down() { stop_service placement; }
heal_placement-down() { start_service placement; wait_port 127.0.0.1 8778 60; delete_server vm-noplace-1; }
symptom_placement-down() {
  delete_server vm-noplace-1
  OS_TIMEOUT=60 os server create --flavor m1.tiny --image cirros-fake --network private --security-group web \
    vm-noplace-1 >/dev/null || true
  wait_server_status vm-noplace-1 'ERROR|ACTIVE' 90 >&2 || true
  os server show vm-noplace-1 -f value -c fault >&2 || true
}

inject_rabbitmq-down() { timeout 60 rabbitmqctl -q stop >/dev/null 2>&1 || true; stop_service rabbitmq; }
heal_rabbitmq-down() {
  start_service rabbitmq
  wait_port 127.0.0.1 5672 90
  wait_for 60 "rabbitmq ready" rabbitmqctl -q status
  # The create that hung during the outage completes now; remove what it made.
  if os volume show vol-norabbit-1 >/dev/null 2>&1; then
    local end=$((SECONDS + 60))
    until [[ $(os volume show vol-norabbit-1 -f value -c status) =~ ^(available|error)$ ]]; do ((SECONDS < end)) || break; sleep 2; done
    os volume delete vol-norabbit-1 >/dev/null 2>&1 || true
  fi
}
symptom_rabbitmq-down() {
  # A cast blocks while RabbitMQ is down (gotcha 17): the client timeout is the symptom.
  OS_TIMEOUT=30 os volume create --size 1 vol-norabbit-1 >/dev/null 2>&1 || log "volume create timed out/failed (rc $?)"
}

inject_cinder-volume-down() { stop_service cinder-volume; }
heal_cinder-volume-down() {
  start_service cinder-volume
  os volume show vol-novol-1 >/dev/null 2>&1 && os volume delete --force vol-novol-1 >/dev/null 2>&1 || true
}
symptom_cinder-volume-down() {
  local end=$((SECONDS + 90))
  until [[ $(os volume service list --service cinder-volume -f value -c State) == down ]]; do ((SECONDS < end)) || break; sleep 2; done
  os volume create --size 1 vol-novol-1 >/dev/null || true
  sleep 8
  os volume show vol-novol-1 -f value -c status >&2 || true
}

inject_clock-skew() {
  local lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
  [[ -f $lib ]] || die "libfaketime is not installed (package faketime; test/lab/00-install.sh installs it)"
  local root=$LAB_STATE/nodes/compute-1/root
  echo "$lib" > "$root/etc/ld.so.preload.skew"
  echo "+600" > "$root/etc/faketimerc"
  echo "+600" > "$LAB_RUN/nodes/compute-1.faketime"   # node-sshd.sh reads it
  # Only the node's own mount namespace sees these files; the host's clock is never touched.
  # A bind mount needs an existing target; an empty /etc/ld.so.preload preloads nothing on the host.
  if [[ ! -e /etc/ld.so.preload ]]; then : > /etc/ld.so.preload; touch "$FAULT_DIR/clock-skew.created-preload"; fi
  if [[ ! -e /etc/faketimerc ]]; then : > /etc/faketimerc; touch "$FAULT_DIR/clock-skew.created-faketimerc"; fi
  node_exec compute-1 mount --bind "$root/etc/ld.so.preload.skew" /etc/ld.so.preload
  node_exec compute-1 mount --bind "$root/etc/faketimerc" /etc/faketimerc
  # Restart the node's daemons so they run with the skewed clock.
  stop_service nova-compute compute-1 5; start_service nova-compute compute-1
  stop_service neutron-openvswitch-agent compute-1 5; start_service neutron-openvswitch-agent compute-1
  touch "$FAULT_DIR/clock-skew"
}
heal_clock-skew() {
  node_exec compute-1 umount /etc/ld.so.preload 2>/dev/null || true
  node_exec compute-1 umount /etc/faketimerc 2>/dev/null || true
  rm -f "$LAB_RUN/nodes/compute-1.faketime"
  [[ -e $FAULT_DIR/clock-skew.created-preload && ! -s /etc/ld.so.preload ]] && rm -f /etc/ld.so.preload
  [[ -e $FAULT_DIR/clock-skew.created-faketimerc && ! -s /etc/faketimerc ]] && rm -f /etc/faketimerc
  rm -f "$FAULT_DIR"/clock-skew.created-*
  stop_service nova-compute compute-1 5; start_service nova-compute compute-1
  stop_service neutron-openvswitch-agent compute-1 5; start_service neutron-openvswitch-agent compute-1
  rm -f "$FAULT_DIR/clock-skew"
}
symptom_clock-skew() {
  echo "host: $(date -u +%T)  compute-1: $(ssh -F "$LAB_STATE/ssh/ssh_config" -o BatchMode=yes compute-1 date -u +%T)" >&2
}

# ---- instance-shutoff: the user stopped the VM (or it crashed): nova says SHUTOFF ----
inject_instance-shutoff() {
  # The fake driver forgets its instances when nova-compute restarts (after nova-compute-down, say)
  # and then refuses to stop one (InstanceNotFound); a hard reboot re-creates it in the driver.
  OS_TIMEOUT=120 os server reboot --hard --wait vm-web-1 >/dev/null || log "hard reboot of vm-web-1 failed"
  os server stop vm-web-1 || true
  wait_server_status vm-web-1 SHUTOFF 60 >/dev/null || log "vm-web-1 not SHUTOFF yet"
  # The fake driver has no guest: stop the VM's sshd, as powering a guest off would.
  stop_daemon sshd-vm-web-1 5
}
symptom_instance-shutoff() {
  os server show vm-web-1 -f value -c status -c OS-EXT-STS:power_state -c OS-EXT-STS:vm_state >&2
  vm_ssh_attempt
}
heal_instance-shutoff() {
  [[ $(os server show vm-web-1 -f value -c status) == SHUTOFF ]] && os server start vm-web-1
  wait_server_status vm-web-1 ACTIVE 90 >/dev/null || log "vm-web-1 not ACTIVE yet"
  bash "$LAB_DIR/vm-answer.sh" >/dev/null   # restarts its sshd
}

# ---- no-keypair: a VM booted without a key; nothing could put a key in it ----
inject_no-keypair() {
  delete_server vm-nokey-1
  OS_TIMEOUT=120 os server create --flavor m1.tiny --image cirros-fake --network private --security-group web \
    --availability-zone nova:compute-0 --wait vm-nokey-1 >/dev/null
  bash "$LAB_DIR/plug-vifs.sh" vm-nokey-1 2>/dev/null   # its port ACTIVE: only the key is wrong
  # ... and a floating IP like vm-web-1's, so that nothing but the key is missing (behind router r-web a
  # VM without one is unreachable from outside, which vm-ssh-fail would rightly name first).
  if os router show r-web >/dev/null 2>&1; then
    local fip; fip=$(os floating ip create --description lab-fip-vm-nokey-1 ext-net -f value -c floating_ip_address)
    os server add floating ip vm-nokey-1 "$fip"
  fi
}
symptom_no-keypair() {
  os server show vm-nokey-1 -f value -c status -c key_name >&2 || true
  os keypair list -f value -c Name >&2
  echo "console log of vm-nokey-1 (fake driver: a fixed text, no cloud-init):" >&2
  os console log show vm-nokey-1 >&2 || true
}
heal_no-keypair() {
  local port
  port=$(os port list --server vm-nokey-1 -f value -c ID 2>/dev/null | head -1 || true)
  delete_server vm-nokey-1
  local fip
  for fip in $(os floating ip list --long -f json | json_rows_where Description lab-fip-vm-nokey-1 ID); do
    os floating ip delete "$fip"
  done
  # plug-vifs.sh played os-vif; unplug as it would on delete.
  [[ -n $port ]] && node_exec compute-0 ovs-vsctl --timeout=10 --if-exists del-port br-int "tap${port:0:11}"
  return 0
}

# ---- cell-unmapped: compute-1 has no host mapping; a boot scheduled there cannot be sent to a cell ----
# Upstream's discover_hosts_in_cells_interval default (-1) is needed, or the scheduler maps the
# host back within the interval; 40-nova.sh uses it, and an older lab is switched here.
cell1_uuid() { as_user nova nova-manage cell_v2 list_cells 2>/dev/null | awk -F'|' '$2 ~ / cell1 / {gsub(/ /,"",$3); print $3}'; }
inject_cell-unmapped() {
  if [[ $(crudini --get /etc/nova/nova.conf scheduler discover_hosts_in_cells_interval 2>/dev/null) != -1 ]]; then
    ini_set /etc/nova/nova.conf scheduler discover_hosts_in_cells_interval -1
    stop_service nova-scheduler; start_service nova-scheduler; sleep 5
  fi
  as_user nova nova-manage cell_v2 delete_host --cell_uuid "$(cell1_uuid)" --host compute-1 >&2 || true
  touch "$FAULT_DIR/cell-unmapped"
}
symptom_cell-unmapped() {
  delete_server vm-unmapped-1
  # az:host forces compute-1 (the 2.74 --host form is refused at the API: "Compute host compute-1
  # could not be found"); the conductor then finds no host mapping for it.
  OS_TIMEOUT=60 os server create --flavor m1.tiny --image cirros-fake --network private --security-group web \
    --availability-zone nova:compute-1 vm-unmapped-1 >/dev/null || true
  wait_server_status vm-unmapped-1 'ERROR|ACTIVE' 90 >&2 || true
  os server show vm-unmapped-1 -f value -c fault >&2 || true
  as_user nova nova-manage cell_v2 list_hosts >&2 || true
}
heal_cell-unmapped() {
  delete_server vm-unmapped-1
  as_user nova nova-manage cell_v2 discover_hosts >&2
  grep -q ' compute-1 ' <<<"$(as_user nova nova-manage cell_v2 list_hosts 2>/dev/null)" || die "compute-1 still unmapped"
  rm -f "$FAULT_DIR/cell-unmapped"
}

# ---- rabbitmq-memory-alarm: the broker blocks every publishing connection ----
inject_rabbitmq-memory-alarm() { rabbitmqctl -q set_vm_memory_high_watermark 0.0001 >&2; }
symptom_rabbitmq-memory-alarm() {
  rabbitmqctl -q list_alarms 2>/dev/null >&2 || rabbitmq-diagnostics -q alarms >&2 || true
  # A cast blocks on a blocked connection: the client timeout is the symptom, as with rabbitmq-down.
  OS_TIMEOUT=30 os volume create --size 1 vol-memalarm-1 >/dev/null 2>&1 || log "volume create timed out/failed (rc $?)"
}
heal_rabbitmq-memory-alarm() {
  rabbitmqctl -q set_vm_memory_high_watermark 0.4 >&2   # RabbitMQ's default
  if os volume show vol-memalarm-1 >/dev/null 2>&1; then
    local end=$((SECONDS + 60))
    until [[ $(os volume show vol-memalarm-1 -f value -c status) =~ ^(available|error)$ ]]; do ((SECONDS < end)) || break; sleep 2; done
    os volume delete vol-memalarm-1 >/dev/null 2>&1 || true
  fi
}

# ---- cinder-out-of-capacity: the backend reports a small, finite capacity ----
# Debian's fake driver reports 'infinite' capacity, which the CapacityFilter always passes. The lab's
# subclass (lab_cinder_capacity.py, on cinder-volume's PYTHONPATH) reports LAB_CINDER_TOTAL_GB
# total, free = total - allocated, so the real CapacityFilter rejects a bigger volume.
inject_cinder-out-of-capacity() {
  mkdir -p /etc/lab/python; install -m 644 "$LAB_DIR/python/lab_cinder_capacity.py" /etc/lab/python/
  ini_set /etc/cinder/cinder.conf fake volume_driver lab_cinder_capacity.SmallFakeDriver
  stop_service cinder-volume; start_service cinder-volume
  touch "$FAULT_DIR/cinder-out-of-capacity"
}
symptom_cinder-out-of-capacity() {
  local end=$((SECONDS + 60))
  # wait for the restarted volume service to report (up again, with the new stats)
  until [[ $(os volume service list --service cinder-volume -f value -c State) == up ]]; do ((SECONDS < end)) || break; sleep 2; done
  sleep 6
  os volume create --size 20 vol-huge-1 >/dev/null || true
  end=$((SECONDS + 60))
  until [[ $(os volume show vol-huge-1 -f value -c status 2>/dev/null) =~ ^(error|available)$ ]]; do ((SECONDS < end)) || break; sleep 2; done
  os volume show vol-huge-1 -f value -c status >&2 || true
  os --os-volume-api-version 3.3 volume message list -f value 2>/dev/null | head -3 >&2 || true
}
heal_cinder-out-of-capacity() {
  os volume show vol-huge-1 >/dev/null 2>&1 && os volume delete --force vol-huge-1 >/dev/null 2>&1 || true
  ini_set /etc/cinder/cinder.conf fake volume_driver cinder.tests.fake_driver.FakeLoggingVolumeDriver
  stop_service cinder-volume; start_service cinder-volume
  rm -f "$FAULT_DIR/cinder-out-of-capacity"
}

# ---- floating-ip-disassociated: the address stays in the project, bound to nothing ----
# vm-web-1's floating IP is the one 80-workload.sh created with description lab-fip-vm-web-1.
lab_fip() {
  local f; f=$(os floating ip list --long -f json | json_rows_where Description lab-fip-vm-web-1 'Floating IP Address')
  echo "${f%%$'\n'*}"
}
inject_floating-ip-disassociated() {
  local fip; fip=$(lab_fip)
  [[ -n $fip ]] || die "vm-web-1 has no lab floating IP (description lab-fip-vm-web-1): npm run lab:up"
  echo "$fip" > "$FAULT_DIR/floating-ip-disassociated"
  os server remove floating ip vm-web-1 "$fip"
}
symptom_floating-ip-disassociated() {
  local fip; fip=$(lab_fip)
  # The L3 agent takes the NAT down and marks the address DOWN within a few seconds.
  local end=$((SECONDS + 30))
  until [[ $(os floating ip show "$fip" -f value -c status) == DOWN ]]; do ((SECONDS < end)) || break; sleep 2; done
  os floating ip show "$fip" -f value -c floating_ip_address -c port_id -c status >&2
  os server show vm-web-1 -f value -c addresses >&2
}
heal_floating-ip-disassociated() {
  local fip; fip=$(lab_fip)
  [[ -n $fip ]] || die "the lab floating IP is gone (description lab-fip-vm-web-1): npm run lab:up recreates it"
  local vport; vport=$(vm_port)
  [[ $(os floating ip show "$fip" -f value -c port_id) == "$vport" ]] || os server add floating ip vm-web-1 "$fip"
  local end=$((SECONDS + 60))
  until [[ $(os floating ip show "$fip" -f value -c status) == ACTIVE ]]; do ((SECONDS < end)) || break; sleep 2; done
  rm -f "$FAULT_DIR/floating-ip-disassociated"
}

# ---- l3-agent-down: router r-web's only L3 agent stops; its namespace and NAT stay, unmaintained ----
l3_alive() { os network agent list --agent-type l3 --host controller-0 -f value -c Alive; }
inject_l3-agent-down() { stop_service neutron-l3-agent; }
symptom_l3-agent-down() {
  local end=$((SECONDS + 90))
  until [[ $(l3_alive) == False ]]; do ((SECONDS < end)) || { log "L3 agent not yet reported dead"; break; }; sleep 2; done
  os network agent list --router r-web -f value -c Host -c Binary -c Alive >&2
}
heal_l3-agent-down() {
  start_service neutron-l3-agent
  local end=$((SECONDS + 90))
  until [[ $(l3_alive) == True ]]; do ((SECONDS < end)) || break; sleep 2; done
}

# Boot-failure faults (issue 4 item 1) live in their own file.
source "$LAB_DIR/faults-boot.sh"

# ---------------- CLI ----------------

usage() { echo "usage: fault.sh <name> | --heal <name> | --symptom <name> | --list" >&2; exit 2; }
# (not `fault_names | grep -q`: with pipefail, grep -q closing the pipe early reads as failure)
known() { [[ " $(fault_names | tr '\n' ' ') " == *" $1 "* ]] || { echo "unknown fault '$1'; try: fault.sh --list" >&2; exit 2; }; }

# Faults of the Galera topology (test/lab/galera/fault.sh, its own engineer) are delegated to it.
GALERA_FAULT=$LAB_DIR/galera/fault.sh
galera_fault() { # NAME -> 0 if galera/fault.sh owns it
  [[ -f $GALERA_FAULT ]] || return 1
  [[ " $(bash "$GALERA_FAULT" --list 2>/dev/null | awk '{print $1}' | tr '\n' ' ') " == *" $1 "* ]]
}
case ${1:-} in
  --heal|--symptom) if [[ -n ${2:-} ]] && galera_fault "$2"; then exec bash "$GALERA_FAULT" "$1" "$2"; fi ;;
  --list|""|-h|--help) ;;
  *) if galera_fault "$1"; then exec bash "$GALERA_FAULT" "$1"; fi ;;
esac

case ${1:-} in
  --list)
    for f in "${FAULTS[@]}"; do printf '%-22s %s\n' "${f%%|*}" "${f#*|}"; done
    if [[ -f $GALERA_FAULT ]]; then bash "$GALERA_FAULT" --list; fi ;;
  --heal)
    [[ -n ${2:-} ]] || usage; known "$2"
    log "healing $2"; "heal_$2"
    bash "$LAB_DIR/health.sh" --wait "${HEAL_WAIT:-180}" ;;
  --symptom)
    [[ -n ${2:-} ]] || usage; known "$2"
    log "bringing about the symptom of $2"; "symptom_$2" ;;
  ""|-h|--help) usage ;;
  *)
    known "$1"; log "injecting $1"; "inject_$1"; log "injected $1" ;;
esac
