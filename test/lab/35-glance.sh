#!/usr/bin/env bash
# Stage 35: glance-api with the file store, and a tiny qcow2 image (the fake driver never reads it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

crudini --merge /etc/glance/glance-api.conf <<INI
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
log_file = /var/log/glance/glance-api.log
[database]
connection = $(db_url glance)
[paste_deploy]
flavor = keystone
[glance_store]
stores = file
default_store = file
filesystem_store_datadir = /var/lib/glance/images/
$(authtoken glance)
INI
if ! daemon_running glance-api; then
  as_user glance glance-manage db_sync >>"$LAB_LOGS/manage.log" 2>&1
fi
mkdir -p /var/lib/glance/images && chown glance:glance /var/lib/glance/images
start_daemon glance-api glance -- /usr/bin/glance-api --config-file /etc/glance/glance-api.conf
wait_port 127.0.0.1 9292 60
if ! os image show cirros-fake >/dev/null 2>&1; then
  img=$LAB_STATE/cirros-fake.qcow2
  [[ -f $img ]] || qemu-img create -q -f qcow2 "$img" 64M
  os image create --disk-format qcow2 --container-format bare --public --file "$img" cirros-fake >/dev/null
fi
log "glance up"
