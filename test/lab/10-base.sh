#!/usr/bin/env bash
# Stage 10: lab directories, generated secrets, and the guard against non-loopback addresses.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

mkdir -p "$LAB_STATE" "$LAB_RUN/nodes" "$LAB_RUN/fwd" "$LAB_LOGS"
chmod 700 "$LAB_STATE"
load_secrets

# Every lab address must be loopback. Refuse to run if the node addresses are routed anywhere else.
for n in "${LAB_NODES[@]}"; do
  ip=${LAB_IP[$n]}
  [[ $ip == 127.* ]] || die "node $n address $ip is not loopback"
  dev=$(ip -o route get "$ip" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
  [[ $dev == lo ]] || die "$ip routes via $dev, not lo; refusing to build the lab"
done
log "base ready: state in $LAB_STATE, pids in $LAB_RUN, daemon output in $LAB_LOGS"
