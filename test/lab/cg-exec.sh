#!/usr/bin/env bash
# cg-exec.sh NODE CMD...: run CMD inside NODE's cgroup (node-cgroup.sh), so that everything the lab
# starts for a node — daemons, nsenter'd commands, ssh sessions — is counted in that node's
# /proc/pressure/*. nsenter does not change cgroups, hence this wrapper.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
node=$1; shift
node_cgroup_join "$node" $$
exec "$@"
