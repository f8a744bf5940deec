#!/usr/bin/env bash
# Entry point of one SSH connection to a lab node: socat (root netns, 127.0.1.1x:22) runs this per
# connection, with the TCP socket on stdin/stdout. It enters the node and runs a real `sshd -i`.
set -euo pipefail
node=$1
ssh=/var/lib/lab/ssh
args=(/usr/sbin/sshd -i -f "$ssh/sshd_config" -h "/var/lib/lab/nodes/$node/ssh_host_ed25519_key"
      -E "/var/log/lab/sshd-$node.log")
# The session counts in the node's cgroup and sees its /proc/pressure (node-cgroup.sh).
here=$(dirname "$(readlink -f "$0")")
source "$here/node-cgroup.sh"
cg=$(node_cgroup "$node" 2>/dev/null) && echo $$ > "$cg/cgroup.procs" || cg=
if [[ $node == controller-0 ]]; then
  # controller-0 is the root namespace; its hostname and (in a private mount namespace, so the
  # host's /proc is untouched) its /proc/pressure view are its own.
  exec unshare --uts --mount --propagation private -- bash -c \
    'hostname controller-0 && { [[ -z $1 ]] || { source "$2"; node_pressure_mounts controller-0; }; }; shift 2; exec "$@"' \
    _ "$cg" "$here/node-cgroup.sh" "${args[@]}"
fi
holder=$(cat "/run/lab/nodes/$node.holder")
skew=/run/lab/nodes/$node.faketime
if [[ -s $skew ]]; then
  # Clock-skew fault: the node preloads libfaketime (/etc/ld.so.preload), which sshd's seccomp
  # sandbox kills (SIGSYS). sshd runs without the preload in a mount namespace of its own, and its
  # sessions get the same skew through their environment.
  lib=$(head -1 "/var/lib/lab/nodes/$node/root/etc/ld.so.preload.skew")
  exec nsenter --target "$holder" --mount --uts --net --pid --ipc -- unshare --mount -- bash -c \
    'umount /etc/ld.so.preload 2>/dev/null; exec "$@"' _ "${args[@]}" \
    -o "SetEnv=LD_PRELOAD=$lib FAKETIME=$(head -1 "$skew")"
fi
exec nsenter --target "$holder" --mount --uts --net --pid --ipc -- "${args[@]}"
