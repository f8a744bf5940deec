#!/usr/bin/env bash
# Is the lab healthy? Every lab daemon alive, all compute/volume services up, all agents alive,
# vm-web-1 ACTIVE with its port ACTIVE and its floating IP ACTIVE, router r-web hosted by a live L3 agent,
# vol-web-1 in-use, strict-host-key ssh to every node.
# Usage: health.sh [--wait SECONDS]   (retry until healthy or the time is up). Exit 0 = healthy.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
wait_s=0
[[ ${1:-} == --wait ]] && wait_s=${2:-120}

LAB_DAEMONS=(mariadb rabbitmq keystone glance-api placement nova-api nova-conductor nova-scheduler
  ovsdb-server ovs-vswitchd neutron-server neutron-openvswitch-agent neutron-dhcp-agent neutron-l3-agent
  cinder-api cinder-scheduler cinder-volume)
for n in "${LAB_COMPUTES[@]}"; do
  LAB_DAEMONS+=("node-$n" "ovsdb-server-$n" "ovs-vswitchd-$n" "neutron-openvswitch-agent-$n" "nova-compute-$n")
done
for n in "${LAB_NODES[@]}"; do LAB_DAEMONS+=("sshd-$n"); done

check_once() {
  local bad=() d
  for d in "${LAB_DAEMONS[@]}"; do daemon_running "$d" || bad+=("daemon $d not running"); done
  local out
  out=$(printf '%s\n' \
    "compute service list -f json" "network agent list -f json" "volume service list -f json" \
    "server show vm-web-1 -f json" "port list --server vm-web-1 -f json" "volume show vol-web-1 -f json" \
    "network show private -f json" \
    "router show r-web -f json" "network agent list --router r-web -f json" "floating ip list --long -f json" \
    | OS_TIMEOUT=60 os_batch 2>/dev/null) || true
  mapfile -t -O "${#bad[@]}" bad < <(/usr/bin/python3 - "$out" <<'PY'
import json, sys
text = sys.argv[1]; dec = json.JSONDecoder(); docs = []; i = 0
while i < len(text):
    if text[i].isspace(): i += 1; continue
    try: d, i = dec.raw_decode(text, i); docs.append(d)
    except ValueError: break
if len(docs) < 10:
    print(f"openstack API answered {len(docs)}/10 health queries (router r-web or its floating IP missing?)"); sys.exit()
svcs, agents, vsvcs, server, ports, vol, net, router, router_agents, fips = docs[:10]
print("#mtu", net.get("mtu"))
for p in ports: print("#port", p["ID"])
for s in svcs:
    if s["State"] != "up": print(f'compute service {s["Binary"]}@{s["Host"]} is {s["State"]}')
if sum(1 for s in svcs if s["Binary"] == "nova-compute" and s["State"] == "up") < 2:
    print("fewer than 2 nova-compute services up")
for a in agents:
    if a["Alive"] is not True: print(f'agent {a["Binary"]}@{a["Host"]} not alive')
if sum(1 for a in agents if a["Binary"] == "neutron-openvswitch-agent" and a["Alive"] is True) < 3:
    print("fewer than 3 OVS agents alive")
for s in vsvcs:
    if s["State"] != "up": print(f'volume service {s["Binary"]}@{s["Host"]} is {s["State"]}')
if server.get("status") != "ACTIVE": print(f'vm-web-1 is {server.get("status")}')
for p in ports:
    if p["Status"] != "ACTIVE": print(f'vm-web-1 port {p["ID"]} is {p["Status"]}')
if vol.get("status") != "in-use": print(f'vol-web-1 is {vol.get("status")}')
if not router.get("external_gateway_info"): print("router r-web has no external gateway")
if not any(a["Alive"] is True for a in router_agents): print("router r-web is hosted by no live L3 agent")
port_ids = {p["ID"] for p in ports}
mine = [f for f in fips if f["Port"] in port_ids]
if not mine: print("vm-web-1 has no floating IP")
for f in mine:
    if f["Status"] != "ACTIVE": print(f'floating IP {f["Floating IP Address"]} of vm-web-1 is {f["Status"]}')
PY
)
  # The VIF on compute-0: tagged, with its firewall flows, at the network's MTU.
  local line mtu="" port="" tap
  local -a problems=()
  for line in "${bad[@]}"; do
    case $line in "#mtu "*) mtu=${line#\#mtu };; "#port "*) port=${line#\#port };; *) problems+=("$line");; esac
  done
  bad=("${problems[@]}")
  if [[ -n $port ]]; then
    tap="tap${port:0:11}"
    local tag ofport flows vifmtu
    tag=$(node_exec compute-0 ovs-vsctl --timeout=5 get Port "$tap" tag 2>/dev/null || echo none)
    [[ $tag =~ ^[0-9]+$ ]] || bad+=("$tap on compute-0 has no VLAN tag ($tag)")
    ofport=$(node_exec compute-0 ovs-vsctl --timeout=5 get Interface "$tap" ofport 2>/dev/null || echo -1)
    flows=$(node_exec compute-0 ovs-ofctl --timeout=5 dump-flows br-int "reg5=$ofport" 2>/dev/null | grep -c cookie= || true)
    ((flows > 0)) || bad+=("no firewall flows (reg5=$ofport) for $tap on compute-0 br-int")
    if ip -n vm-web-1 link show "$tap" >/dev/null 2>&1; then
      # vm-answer.sh moved the tap into the VM's namespace: its MTU is the "guest" MTU there.
      vifmtu=$(ip -n vm-web-1 -o link show "$tap" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
      bash "$LAB_DIR/vm-answer.sh" --check >/dev/null 2>&1 || bad+=("vm-web-1 does not answer ssh from probe-compute-0")
    else
      vifmtu=$(node_exec compute-0 ovs-vsctl --timeout=5 get Interface "$tap" mtu 2>/dev/null || echo '?')
    fi
    [[ $vifmtu == "$mtu" ]] || bad+=("$tap MTU $vifmtu differs from network MTU $mtu")
  fi
  for d in "${LAB_NODES[@]}"; do
    local h
    h=$(timeout 15 ssh -F "$LAB_STATE/ssh/ssh_config" -o BatchMode=yes "$d" hostname 2>/dev/null) || true
    [[ $h == "$d" ]] || bad+=("ssh $d (strict host key) failed")
  done
  # The Galera topology (test/lab/galera/) reports its own health when it exists.
  if [[ -f $LAB_DIR/galera/health.sh && ${LAB_GALERA:-1} != 0 ]]; then
    bash "$LAB_DIR/galera/health.sh" >/dev/null 2>&1 || bad+=("galera/health.sh: not healthy (run it for details)")
  fi
  HEALTH_PROBLEMS=("${bad[@]}")
  ((${#bad[@]} == 0))
}

end=$((SECONDS + wait_s))
until check_once; do
  if ((SECONDS >= end)); then
    log "lab NOT healthy:"; printf '  - %s\n' "${HEALTH_PROBLEMS[@]}" >&2
    exit 1
  fi
  sleep 5
done
log "lab healthy: all daemons, services and agents up; vm-web-1 ACTIVE with its floating IP; r-web hosted; vol-web-1 in-use; ssh ok"
