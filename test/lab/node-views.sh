#!/usr/bin/env bash
# Give every node its own resource view (node-cgroup.sh): create its cgroup v2, move the node's
# running processes into it, and bind its PSI files over /proc/pressure/* in the node's mount
# namespace. Idempotent; up.sh runs it, and it can be run on a running lab.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
lab_cgroup_root >/dev/null || { log "no cgroup v2 hierarchy: /proc/pressure stays machine-wide on every node"; exit 0; }
for node in "${LAB_COMPUTES[@]}"; do
  node_holder_pid "$node" >/dev/null || { log "node $node not running"; continue; }
  # shellcheck disable=SC2046
  node_cgroup_join "$node" $(node_pid_ns_pids "$node")
  # the nsenter/unshare parents outside the node's PID namespace (pid files, process groups)
  for f in "$LAB_RUN"/*-"$node".pid "$LAB_RUN/node-$node.pid"; do
    [[ -s $f ]] && node_cgroup_join "$node" $(pgrep -g "$(<"$f")" || true)
  done
  node_exec "$node" bash -c "source '$LAB_DIR/lib.sh'; node_pressure_mounts '$node'"
done
# controller-0: every other lab daemon's process group (its sshd sessions get their own mount
# namespace with the bind mounts in node-sshd.sh; the host's /proc is never covered).
for f in "$LAB_RUN"/*.pid; do
  n=$(basename "$f" .pid)
  [[ $n == node-* || $n == *-compute-[0-9] ]] && continue
  [[ -s $f ]] && node_cgroup_join controller-0 $(pgrep -g "$(<"$f")" || true)
done
for node in "${LAB_NODES[@]}"; do
  cg=$(node_cgroup "$node")
  log "$node: $(wc -l < "$cg/cgroup.procs") processes in $cg; cpu $(head -1 "$cg/cpu.pressure")"
done
