#!/usr/bin/env bash
# Is the Galera topology healthy? wsrep_cluster_size=3 and Synced/Primary on every DB node, every
# HAProxy backend UP, placement-galera answering a DB-backed request, strict ssh to each DB node.
# Usage: health.sh [--wait SECONDS]. Exit 0 = healthy; otherwise prints what is not.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib.sh"
require_root
wait_s=0
[[ ${1:-} == --wait ]] && wait_s=${2:-120}

check_once() {
  local bad=() n
  for n in "${GALERA_NODES[@]}"; do
    local size state status
    size=$(galera_status "$n" wsrep_cluster_size); state=$(galera_status "$n" wsrep_local_state_comment)
    status=$(galera_status "$n" wsrep_cluster_status)
    [[ $size == 3 && $state == Synced && $status == Primary ]] \
      || bad+=("$n: wsrep_cluster_size=${size:-?} state=${state:-?} status=${status:-?}")
    galera_ssh "$n" true >/dev/null 2>&1 || bad+=("$n: ssh failed")
  done
  local csv; csv=$(galera_haproxy_csv || true)
  for n in "${GALERA_NODES[@]}"; do
    local st; st=$(awk -F, -v s="$n" '$1=="galera" && $2==s {print $18}' <<<"$csv")
    [[ $st == UP ]] || bad+=("haproxy backend $n: ${st:-no stats}")
  done
  local code; code=$(galera_api_hit 10)
  [[ $code == 200 ]] || bad+=("$GALERA_API: GET /resource_providers -> ${code:-no answer}")
  if ((${#bad[@]})); then printf '%s\n' "${bad[@]}"; return 1; fi
}

end=$((SECONDS + wait_s))
while :; do
  if out=$(check_once); then echo "galera healthy"; exit 0; fi
  ((SECONDS < end)) || break
  sleep 3
done
echo "galera NOT healthy:"; echo "$out"
exit 1
