#!/usr/bin/env bash
# Stage 55: neutron-server (ML2/OVS), the controller's OVS agent and the DHCP agent; tenant network.
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
ovs_agent_ini 127.0.0.1 | crudini --merge /etc/neutron/plugins/ml2/openvswitch_agent.ini
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
start_daemon neutron-openvswitch-agent neutron -- /usr/bin/neutron-openvswitch-agent \
  --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/openvswitch_agent.ini
start_daemon neutron-dhcp-agent neutron -- /usr/bin/neutron-dhcp-agent \
  --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/dhcp_agent.ini
wait_port 127.0.0.1 9696 90
agents_alive() { [[ $(os network agent list -f value -c Alive | grep -c True) -ge 2 ]]; }
wait_for 90 "controller neutron agents alive" agents_alive

if ! os network show private >/dev/null 2>&1; then
  printf '%s\n' \
    "network create --provider-network-type vxlan private" \
    "subnet create --network private --subnet-range $LAB_TENANT_CIDR --dns-nameserver 127.0.0.53 private-subnet" \
    | os_batch >/dev/null
fi
log "neutron up"
