#!/usr/bin/env bash
# Stage 55: neutron-server (ML2/OVS), the controller's OVS agent, the DHCP and L3 agents; the tenant
# network, the external network ext-net and the router r-web between them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

crudini --merge /etc/neutron/neutron.conf <<INI
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9696
core_plugin = ml2
service_plugins = router
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 1
host = controller-0
transport_url = $(transport_url)
auth_strategy = keystone
agent_down_time = $LAB_AGENT_DOWN_TIME
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
log_dir = /var/log/neutron
state_path = /var/lib/neutron
[agent]
report_interval = $LAB_REPORT_INTERVAL
root_helper = sudo neutron-rootwrap /etc/neutron/rootwrap.conf
[database]
connection = $(db_url neutron)
[oslo_concurrency]
lock_path = /var/lib/neutron/lock
$(authtoken neutron)
$(keystone_auth nova nova)
INI
crudini --merge /etc/neutron/plugins/ml2/ml2_conf.ini <<INI
[ml2]
type_drivers = flat,vxlan
tenant_network_types = vxlan
mechanism_drivers = openvswitch,l2population
extension_drivers = port_security
[ml2_type_vxlan]
vni_ranges = 1:1000
INI
# controller-0 is the network node: physnet "external" is br-ex, a userspace bridge with no uplink and no
# address (ext-net's addresses exist only in the qrouter namespace). The bridge must exist before the
# agent starts (gotcha 3); a running agent from before this mapping is restarted to pick it up.
ovs_map_before=$(crudini --get /etc/neutron/plugins/ml2/openvswitch_agent.ini ovs bridge_mappings 2>/dev/null || true)
ovs_agent_ini 127.0.0.1 | crudini --merge /etc/neutron/plugins/ml2/openvswitch_agent.ini
ini_set /etc/neutron/plugins/ml2/openvswitch_agent.ini ovs bridge_mappings external:br-ex
ovs-vsctl --timeout=10 --may-exist add-br br-ex -- set Bridge br-ex datapath_type=netdev
if [[ $ovs_map_before != external:br-ex ]] && daemon_running neutron-openvswitch-agent; then
  log "controller OVS agent: bridge_mappings now external:br-ex, restarting it"
  stop_service neutron-openvswitch-agent controller-0 20
fi
crudini --merge /etc/neutron/plugins/ml2/ml2_conf.ini <<INI
[ml2_type_flat]
flat_networks = external
INI
# The L3 agent: qrouter namespaces on controller-0. Its ports are veth pairs like the DHCP agent's
# (ovs_use_veth: an OVS internal port moved into a namespace loses vswitchd's view of the device on the
# userspace datapath). No metadata proxy: the lab runs no metadata agent, and the proxy's haproxy would
# daemonize out of the agent's process group.
crudini --merge /etc/neutron/l3_agent.ini <<INI
[DEFAULT]
interface_driver = openvswitch
ovs_use_veth = true
enable_metadata_proxy = false
[agent]
report_interval = $LAB_REPORT_INTERVAL
[ovs]
datapath_type = netdev
INI
crudini --merge /etc/neutron/dhcp_agent.ini <<INI
[DEFAULT]
interface_driver = openvswitch
ovs_use_veth = true
enable_isolated_metadata = false
[ovs]
datapath_type = netdev
INI
mkdir -p /var/lib/neutron/lock && chown -R neutron:neutron /var/lib/neutron

if ! daemon_running neutron-server; then
  as_user neutron neutron-db-manage --config-file /etc/neutron/neutron.conf \
    --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head >>"$LAB_LOGS/manage.log" 2>&1
fi
start_daemon neutron-server neutron -- /usr/bin/neutron-server --config-file /etc/neutron/neutron.conf \
  --config-file /etc/neutron/plugins/ml2/ml2_conf.ini
# The agents only after the server answers: an agent whose first report_state goes out before the server's
# RPC workers consume q-reports-plugin gets a MessagingTimeout and backs off (the L3 agent to 120 s), so it
# may not show alive for minutes (a CI bring-up timed out here after 90 s).
wait_port 127.0.0.1 9696 120
start_daemon neutron-openvswitch-agent neutron -- /usr/bin/neutron-openvswitch-agent \
  --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/openvswitch_agent.ini
start_daemon neutron-dhcp-agent neutron -- /usr/bin/neutron-dhcp-agent \
  --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/dhcp_agent.ini
start_service neutron-l3-agent
# controller-0's OVS, DHCP and L3 agents
agents_alive() { [[ $(os network agent list --host controller-0 -f value -c Alive | grep -c True) -ge 3 ]]; }
wait_for 180 "controller neutron agents alive" agents_alive

if ! os network show private >/dev/null 2>&1; then
  printf '%s\n' \
    "network create --provider-network-type vxlan private" \
    "subnet create --network private --subnet-range $LAB_TENANT_CIDR --dns-nameserver 127.0.0.53 private-subnet" \
    | os_batch >/dev/null
fi
# ext-net (flat on physnet external, no DHCP) and router r-web: gateway on ext-net, interface on the
# tenant subnet. vm-web-1's floating IP comes from ext-net (80-workload.sh).
if ! os network show ext-net >/dev/null 2>&1; then
  printf '%s\n' \
    "network create --external --provider-network-type flat --provider-physical-network external ext-net" \
    "subnet create --network ext-net --subnet-range $LAB_EXT_CIDR --no-dhcp ext-subnet" \
    | os_batch >/dev/null
fi
if ! os router show r-web >/dev/null 2>&1; then
  printf '%s\n' "router create r-web" "router set --external-gateway ext-net r-web" "router add subnet r-web private-subnet" \
    | os_batch >/dev/null
fi
router_hosted() { [[ $(os network agent list --router r-web -f value -c Alive) == True ]]; }
wait_for 90 "router r-web hosted by a live L3 agent" router_hosted
log "neutron up (router r-web on ext-net $LAB_EXT_CIDR)"
