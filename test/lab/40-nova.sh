#!/usr/bin/env bash
# Stage 40: nova api/conductor/scheduler and cells; writes the DB-less base config for computes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

crudini --merge /etc/nova/nova.conf <<INI
[DEFAULT]
my_ip = 127.0.0.1
host = controller-0
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_workers = 1
transport_url = $(transport_url)
rpc_response_timeout = 30
service_down_time = $LAB_SERVICE_DOWN_TIME
report_interval = $LAB_REPORT_INTERVAL
log_dir = /var/log/nova
state_path = /var/lib/nova
[api]
auth_strategy = keystone
[api_database]
connection = $(db_url nova_api)
[database]
connection = $(db_url nova)
[conductor]
workers = 1
[scheduler]
workers = 1
# upstream's default: no periodic discovery (60-nodes.sh maps the computes; the cell-unmapped fault
# would otherwise be undone by the scheduler within the interval)
discover_hosts_in_cells_interval = -1
[vnc]
enabled = false
[spice]
enabled = false
[glance]
api_servers = http://127.0.0.1:9292
[cinder]
os_region_name = $LAB_REGION
[oslo_concurrency]
lock_path = /var/lib/nova/tmp
$(authtoken nova)
$(keystone_auth placement placement)
$(keystone_auth neutron neutron)
$(keystone_auth service_user nova)
send_service_user_token = true
INI
# The [neutron] section must not keep Debian's admin-project defaults.
crudini --set /etc/nova/nova.conf neutron service_metadata_proxy false
crudini --del /etc/nova/nova.conf neutron default_floating_pool
mkdir -p /var/lib/nova/tmp && chown -R nova:nova /var/lib/nova

# Computes get this file minus DB credentials (gotcha 7: "No DB access allowed in nova-compute").
cp /etc/nova/nova.conf /etc/lab/nova-compute-base.conf
crudini --del /etc/lab/nova-compute-base.conf database connection
crudini --del /etc/lab/nova-compute-base.conf api_database connection
chmod 640 /etc/lab/nova-compute-base.conf

if ! daemon_running nova-api; then
  m() { as_user nova nova-manage "$@" >>"$LAB_LOGS/manage.log" 2>&1; }
  m api_db sync
  cells=$(as_user nova nova-manage cell_v2 list_cells 2>/dev/null || true)
  grep -q ' cell0 ' <<<"$cells" || m cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
  grep -q ' cell1 ' <<<"$cells" || m cell_v2 create_cell --name cell1
  m db sync
fi
for d in nova-api nova-conductor nova-scheduler; do
  start_daemon "$d" nova -- "/usr/bin/$d" --config-file /etc/nova/nova.conf
done
wait_port 127.0.0.1 8774 90
scheduler_up() { grep -q 'nova-scheduler up' <<<"$(os compute service list -f value -c Binary -c State)"; }
wait_for 120 "nova-scheduler up" scheduler_up
log "nova controller up"
