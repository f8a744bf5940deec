#!/usr/bin/env bash
# Stage 38: placement under uwsgi.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

crudini --merge /etc/placement/placement.conf <<INI
[placement_database]
connection = $(db_url placement)
[api]
auth_strategy = keystone
$(authtoken placement)
INI
if ! daemon_running placement; then
  as_user placement placement-manage db sync >>"$LAB_LOGS/manage.log" 2>&1
fi
mkdir -p /etc/lab && uwsgi_ini placement /usr/bin/placement-api 8778 /var/log/placement/placement-uwsgi.log > /etc/lab/placement-uwsgi.ini
start_daemon placement placement -- /usr/bin/uwsgi_python3 --ini /etc/lab/placement-uwsgi.ini
wait_port 127.0.0.1 8778 60
log "placement up"
