#!/usr/bin/env bash
# Stage 80: a healthy workload: flavor, security group "web" (ssh + icmp in), server vm-web-1 pinned
# to compute-0 with its VIF plugged, and volume vol-web-1 attached to it.
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
log "workload healthy: vm-web-1 ACTIVE on compute-0 (port ACTIVE), vol-web-1 in-use"
