#!/usr/bin/env bash
# Plays os-vif for the fake virt driver, which plugs nothing (gotcha 10): for every port bound to a
# compute node, add tapXXXXXXXX-XX (type internal, with the iface-id/attached-mac/vm-uuid that nova
# would set) to that node's br-int. The node's OVS agent then tags the port, installs the
# openvswitch-firewall flows, and neutron marks the port ACTIVE. Idempotent.
# Usage: plug-vifs.sh [SERVER...]   (default: every server)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

servers=("$@")
if ((${#servers[@]} == 0)); then mapfile -t servers < <(os server list -f value -c ID); fi
for s in "${servers[@]}"; do
  read -r id host < <(os server show "$s" -f json | json_get id OS-EXT-SRV-ATTR:host)
  [[ -n ${host:-} && $host != None ]] || { log "server $s has no host; nothing to plug"; continue; }
  while read -r port mac net; do
    tap="tap${port:0:11}"
    mtu=$(os network show "$net" -f value -c mtu)   # os-vif sets the VIF MTU to the network's
    node_exec "$host" ovs-vsctl --timeout=10 --may-exist add-port br-int "$tap" -- set Interface "$tap" type=internal \
      "external_ids:iface-id=$port" "external_ids:attached-mac=$mac" external_ids:iface-status=active \
      "external_ids:vm-uuid=$id" "mtu_request=$mtu"
    node_exec "$host" ip link set "$tap" address "$mac" up 2>/dev/null || true
    log "plugged $tap ($port) on $host for server $id"
  done < <(os port list --server "$id" -f json | /usr/bin/python3 -c '
import json, sys
for p in json.load(sys.stdin): print(p["ID"], p["MAC Address"])' | while read -r p m; do
      echo "$p $m $(os port show "$p" -f value -c network_id)"; done)
done
