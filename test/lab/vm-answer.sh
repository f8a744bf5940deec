#!/usr/bin/env bash
# Make vm-web-1 answer (issue item 2): its VIF tap moves from compute-0's netns into a namespace of
# its own ("vm-web-1") with the port's MAC and IP, where a real sshd listens on port 22. A second
# neutron port ("lab-probe-compute-0", same network, bound to compute-0) is plugged the same way
# into namespace "probe-compute-0" and is the SSH client. Both taps stay br-int ports of
# compute-0's OVS, so an ssh from the probe really crosses the per-port openvswitch-firewall flows
# and the security-group rules: it fails under sg-no-ssh, port-tag-removed, ovs-vswitchd-down.
# Usage: vm-answer.sh [--check]   (--check: only try the ssh; exit 0 if the VM answered)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

NODE=compute-0 VM=vm-web-1 PROBE_NS=probe-compute-0 PROBE_PORT=lab-probe-compute-0
key=$LAB_STATE/ssh/id_ed25519

vm_ip() { os port show "$1" -f json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["fixed_ips"][0]["ip_address"])'; }

check() {
  local ip; ip=$(cat "$LAB_RUN/vm-web-1.ip")
  timeout 20 ip netns exec "$PROBE_NS" ssh -i "$key" -o BatchMode=yes -o ConnectTimeout=8 \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$LAB_STATE/ssh/known_hosts_vms" "root@$ip" hostname
}
if [[ ${1:-} == --check ]]; then check; exit; fi

# move_tap NS TAP MAC IP/PREFIX: give a br-int tap of compute-0 to namespace NS.
move_tap() {
  local ns=$1 tap=$2 mac=$3 cidr=$4
  [[ -e /run/netns/$ns ]] || ip netns add "$ns"
  ip -n "$ns" link set lo up
  # A restarted ovs-vswitchd recreates the tap in the node's netns: the one in NS is then a dead
  # leftover (its fd closed), so it gives way to the new one.
  # (ip -n from the root mount namespace: the node's own mount namespace predates /run/netns/NS)
  if ip -n "$NODE" link show "$tap" >/dev/null 2>&1; then
    ip -n "$ns" link delete "$tap" 2>/dev/null || true
    ip -n "$NODE" link set "$tap" netns "$ns"
  fi
  ip -n "$ns" link set "$tap" address "$mac"
  ip -n "$ns" link set "$tap" mtu "$(os network show private -f value -c mtu)" up
  ip -n "$ns" addr replace "$cidr" dev "$tap"
}

prefix=${LAB_TENANT_CIDR#*/}
# --- the VM side ---
vport=$(os port list --server "$VM" -f value -c ID | head -1)
vmac=$(os port show "$vport" -f value -c mac_address)
vip=$(vm_ip "$vport"); echo "$vip" > "$LAB_RUN/vm-web-1.ip"
move_tap "$VM" "tap${vport:0:11}" "$vmac" "$vip/$prefix"
hk=$LAB_STATE/nodes/$VM/ssh_host_ed25519_key
mkdir -p "$(dirname "$hk")"; [[ -f $hk ]] || ssh-keygen -q -t ed25519 -N '' -C "$VM" -f "$hk"
echo "$vip $(cut -d' ' -f1,2 "$hk.pub")" > "$LAB_STATE/ssh/known_hosts_vms"
start_daemon "sshd-$VM" root -- ip netns exec "$VM" unshare --uts -- bash -c 'hostname "$0" && exec "$@"' "$VM" \
  /usr/sbin/sshd -D -e -f "$LAB_STATE/ssh/sshd_config" -h "$hk" -o "ListenAddress=$vip:22"

# --- the probe (client) side ---
if ! os port show "$PROBE_PORT" >/dev/null 2>&1; then
  os port create --network private --host "$NODE" --device-owner compute:lab-probe "$PROBE_PORT" >/dev/null
fi
pport=$(os port show "$PROBE_PORT" -f value -c id)
pmac=$(os port show "$pport" -f value -c mac_address)
ptap="tap${pport:0:11}"
node_exec "$NODE" ovs-vsctl --timeout=10 --may-exist add-port br-int "$ptap" -- set Interface "$ptap" type=internal \
  "external_ids:iface-id=$pport" "external_ids:attached-mac=$pmac" external_ids:iface-status=active \
  "mtu_request=$(os network show private -f value -c mtu)"
move_tap "$PROBE_NS" "$ptap" "$pmac" "$(vm_ip "$pport")/$prefix"
# The probe port stays DOWN in neutron (no nova instance behind it) although the agent installs
# its flows; only the ssh result matters, so there is no wait for ACTIVE.
wait_for 60 "vm-web-1 answers ssh from $PROBE_NS" check && log "vm-web-1 ($vip) answers ssh from $PROBE_NS through compute-0's br-int"
