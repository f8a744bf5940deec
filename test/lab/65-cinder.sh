#!/usr/bin/env bash
# Stage 65: cinder api/scheduler/volume with the fake backend Debian ships (no device-mapper here,
# so no LVM: gotcha 19), and the volume type "fake".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

crudini --merge /etc/cinder/cinder.conf <<INI
[DEFAULT]
my_ip = 127.0.0.1
host = controller-0
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = 8776
osapi_volume_workers = 1
transport_url = $(transport_url)
enabled_backends = fake
default_volume_type = fake
service_down_time = $LAB_SERVICE_DOWN_TIME
report_interval = $LAB_REPORT_INTERVAL
log_dir = /var/log/cinder
state_path = /var/lib/cinder
[database]
connection = $(db_url cinder)
[oslo_concurrency]
lock_path = /var/lib/cinder/tmp
[fake]
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = fake
$(authtoken cinder)
$(keystone_auth nova cinder)
INI
crudini --del /etc/cinder/cinder.conf lvm || true
mkdir -p /var/lib/cinder/tmp && chown -R cinder:cinder /var/lib/cinder

if ! daemon_running cinder-api; then
  as_user cinder cinder-manage db sync >>"$LAB_LOGS/manage.log" 2>&1
fi
for d in cinder-api cinder-scheduler cinder-volume; do
  start_daemon "$d" cinder -- "/usr/bin/$d" --config-file /etc/cinder/cinder.conf
done
wait_port 127.0.0.1 8776 90
volume_up() { grep -q 'cinder-volume up' <<<"$(os volume service list -f value -c Binary -c State)"; }
wait_for 90 "cinder-volume up" volume_up
if ! os volume type show fake >/dev/null 2>&1; then
  os volume type create --property volume_backend_name=fake fake >/dev/null
fi
log "cinder up"
