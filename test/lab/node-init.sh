#!/usr/bin/env bash
# PID 1 of a lab compute node. Started by 60-nodes.sh as
#   ip netns exec NODE unshare --pid --fork --mount-proc --mount --uts bash node-init.sh NODE DIRS...
# It gives the node its own view of the standard paths and its hostname, then only reaps orphans.
# When it exits, the kernel kills every process of the node (that is how down.sh stops a node).
set -euo pipefail
node=$1; shift
root=/var/lib/lab/nodes/$node/root
for d in "$@"; do
  mkdir -p "$root$d" "$d"
  mount --bind "$root$d" "$d"
done
mount --bind "$root/etc/hosts" /etc/hosts
mount --bind "$root/etc/hostname" /etc/hostname
# Its own machine id (journal.sh creates it), so journalctl on the node reads the node's journal.
[[ -s $root/etc/machine-id ]] && mount --bind "$root/etc/machine-id" /etc/machine-id
hostname "$node"
ip link set lo up
touch "/run/lab/nodes/$node.ready"
trap 'exit 0' TERM INT
# bash reaps any child it is handed (orphaned daemons, finished ssh sessions) while it waits.
while :; do sleep 3600 & wait $! || true; done
