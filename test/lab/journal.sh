#!/usr/bin/env bash
# Rebuild each node's journal from its service logs, so `journalctl -u nova-compute` on a node
# tells that node's story (there is no systemd/journald here; probe item 6b).
# Each node gets its own machine id (bind-mounted /etc/machine-id on computes); the journal is
# written with the real systemd-journal-remote to /var/log/journal/<machine-id>/lab.journal as the
# node sees it. A snapshot, not a live feed: capture.sh and suite.sh rerun it.
# Usage: journal.sh [NODE...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

nodes=("$@"); ((${#nodes[@]})) || nodes=("${LAB_NODES[@]}")
boot_id=$(tr -d '-' < /proc/sys/kernel/random/boot_id)
for node in "${nodes[@]}"; do
  if [[ $node == controller-0 ]]; then
    mid=$(cat /etc/machine-id); jroot=/var/log/journal; lroot=/var/log
    units=(nova-api=nova/nova-api.log nova-conductor=nova/nova-conductor.log nova-scheduler=nova/nova-scheduler.log
      neutron-server=neutron/neutron-server.log neutron-openvswitch-agent=neutron/neutron-openvswitch-agent.log
      neutron-dhcp-agent=neutron/neutron-dhcp-agent.log neutron-l3-agent=neutron/neutron-l3-agent.log
      cinder-api=cinder/cinder-api.log
      cinder-scheduler=cinder/cinder-scheduler.log cinder-volume=cinder/cinder-volume.log
      glance-api=glance/glance-api.log keystone=keystone/keystone.log ovs-vswitchd=openvswitch/ovs-vswitchd.log
      ovsdb-server=openvswitch/ovsdb-server.log)
  else
    root=$LAB_STATE/nodes/$node/root
    [[ -s $root/etc/machine-id ]] || tr -d '-' < /proc/sys/kernel/random/uuid > "$root/etc/machine-id"
    mid=$(cat "$root/etc/machine-id")
    if [[ $(node_exec "$node" cat /etc/machine-id) != "$mid" ]]; then
      node_exec "$node" mount --bind "$root/etc/machine-id" /etc/machine-id
    fi
    jroot=$root/var/log/journal; lroot=$root/var/log
    units=(nova-compute=nova/nova-compute.log neutron-openvswitch-agent=neutron/neutron-openvswitch-agent.log
      ovs-vswitchd=openvswitch/ovs-vswitchd.log ovsdb-server=openvswitch/ovsdb-server.log)
  fi
  mkdir -p "$jroot/$mid"
  rm -f "$jroot/$mid"/lab.journal "$jroot/$mid"/lab@*.journal
  /usr/bin/python3 "$LAB_DIR/oslo-to-journal.py" "$node" "$mid" "$boot_id" "${units[@]/=/=$lroot/}" \
    | /lib/systemd/systemd-journal-remote --output="$jroot/$mid/lab.journal" - 2>>"$LAB_LOGS/journal-remote.log"
  log "journal for $node: $(du -h "$jroot/$mid/lab.journal" | cut -f1) in /var/log/journal/$mid/ (as the node sees it)"
done
