#!/usr/bin/env bash
# npm run lab:up — unattended, idempotent bring-up of the whole lab (see README.md).
# Re-running it on a running lab only checks and fills in what is missing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

stages=(00-install 10-base 20-infra 30-keystone 35-glance 38-placement 40-nova 50-ovs 55-neutron
        60-nodes 65-cinder 80-workload 85-vm-answer)
mkdir -p "$LAB_LOGS"
timings=$LAB_LOGS/up-timings.txt
free -m > "$LAB_LOGS/up-free-before.txt"
: > "$timings"
start=$SECONDS
for s in "${stages[@]}"; do
  t=$SECONDS
  log "=== stage $s"
  bash "$LAB_DIR/$s.sh" || die "stage $s failed (daemon output: $LAB_LOGS/*.out, service logs: /var/log/<service>/)"
  printf '%-12s %4ds (cumulative %4ds)\n' "$s" $((SECONDS - t)) $((SECONDS - start)) | tee -a "$timings" >&2
done
bash "$LAB_DIR/node-views.sh"   # per-node cgroups and /proc/pressure (node-cgroup.sh)
bash "$LAB_DIR/journal.sh"
# The 3-node Galera + HAProxy topology (test/lab/galera/, its own engineer) joins when it exists.
if [[ -f $LAB_DIR/galera/up.sh && ${LAB_GALERA:-1} != 0 ]]; then bash "$LAB_DIR/galera/up.sh" || die "galera/up.sh failed"; fi
bash "$LAB_DIR/health.sh"
echo "lab up in $((SECONDS - start))s; inventory: $LAB_STATE/inventory.yaml; clouds.yaml: $LAB_STATE/clouds.yaml (cloud 'lab')"
free -m | tee "$LAB_LOGS/up-free-after.txt"
