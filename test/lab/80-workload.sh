#!/usr/bin/env bash
# Stage 80: a healthy workload: flavor, security group "web" (ssh + icmp in), server vm-web-1 pinned
# to compute-0 with its VIF plugged, volume vol-web-1 attached to it, and a floating IP from ext-net
# associated with it (through router r-web, 55-neutron.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

{
  os flavor show m1.tiny >/dev/null 2>&1 || echo "flavor create --vcpus 1 --ram 128 --disk 1 m1.tiny"
  os security group show web >/dev/null 2>&1 || printf '%s\n' \
    "security group create --description lab-web web" \
    "security group rule create --ingress --protocol tcp --dst-port 22 --description lab-ssh web" \
    "security group rule create --ingress --protocol icmp --description lab-icmp web"
} > "$LAB_RUN/workload-batch.txt"
[[ -s $LAB_RUN/workload-batch.txt ]] && os_batch < "$LAB_RUN/workload-batch.txt" >/dev/null

# The keypair whose private half the lab's ssh client holds: vm-web-1 is booted with it, as a user's
# VM would be (the no-keypair fault is a VM booted without one).
os keypair show lab-key >/dev/null 2>&1 || os keypair create --public-key "$LAB_STATE/ssh/id_ed25519.pub" lab-key >/dev/null

t0=$SECONDS
if ! os server show vm-web-1 >/dev/null 2>&1; then
  OS_TIMEOUT=180 os server create --flavor m1.tiny --image cirros-fake --network private --key-name lab-key \
    --security-group web --availability-zone nova:compute-0 --wait vm-web-1 >/dev/null
elif [[ $(os server show vm-web-1 -f value -c key_name) == None ]]; then
  # Not a rebuild (2.54 --key-name): the fake driver forgets its instances when nova-compute
  # restarts, and a rebuild of a forgotten instance hangs in REBUILD (seen 2026-11-22).
  log "vm-web-1 predates keypair lab-key (key_name None): lab:down -- --purge and lab:up to recreate it"
fi
status=$(os server show vm-web-1 -f value -c status)
[[ $status == ACTIVE ]] || die "vm-web-1 is $status, not ACTIVE"
log "vm-web-1 ACTIVE after $((SECONDS - t0))s"
bash "$LAB_DIR/plug-vifs.sh" vm-web-1
port_active() { [[ $(os port list --server vm-web-1 -f value -c Status) == ACTIVE ]]; }
wait_for 60 "vm-web-1 port ACTIVE" port_active

if ! os volume show vol-web-1 >/dev/null 2>&1; then
  os volume create --size 1 --type fake vol-web-1 >/dev/null
fi
vol_ready() { [[ $(os volume show vol-web-1 -f value -c status) =~ ^(available|in-use)$ ]]; }
wait_for 60 "vol-web-1 available" vol_ready
if [[ $(os volume show vol-web-1 -f value -c status) == available ]]; then
  os server add volume vm-web-1 vol-web-1 >/dev/null
fi
vol_in_use() { [[ $(os volume show vol-web-1 -f value -c status) == in-use ]]; }
wait_for 60 "vol-web-1 in-use" vol_in_use

# vm-web-1's floating IP: found again by its description, so a re-run (or the heal of
# floating-ip-disassociated) reuses the same address.
lab_fip() { os floating ip list --long -f json | json_rows_where Description lab-fip-vm-web-1 'Floating IP Address'; }
fip=$(lab_fip); fip=${fip%%$'\n'*}
[[ -n $fip ]] || fip=$(os floating ip create --description lab-fip-vm-web-1 ext-net -f value -c floating_ip_address)
vport=$(os port list --server vm-web-1 -f value -c ID | head -1)
if [[ $(os floating ip show "$fip" -f value -c port_id) != "$vport" ]]; then
  os server add floating ip vm-web-1 "$fip"
fi
fip_active() { [[ $(os floating ip show "$fip" -f value -c status) == ACTIVE ]]; }
wait_for 60 "floating IP $fip ACTIVE" fip_active
echo "$fip" > "$LAB_RUN/vm-web-1.fip"
log "workload healthy: vm-web-1 ACTIVE on compute-0 (port ACTIVE, floating IP $fip ACTIVE), vol-web-1 in-use"
