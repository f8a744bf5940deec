#!/usr/bin/env bash
# Stage 30: Keystone under uwsgi, admin credentials, service users and the catalog (one batched CLI).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

crudini --merge /etc/keystone/keystone.conf <<INI
[DEFAULT]
log_dir = /var/log/keystone
[database]
connection = $(db_url keystone)
[token]
provider = fernet
[identity]
# Lab only: bcrypt at its minimum cost. Every `openstack` call authenticates with the admin password, and
# at the default 12 rounds that check alone costs ~0.3 s of CPU per call on this 2-core machine.
password_hash_rounds = 4
[catalog]
driver = sql
INI
if ! daemon_running keystone; then
  # keystone-manage prints harmless eventlet tracebacks at exit (gotcha 18): keep them in a log.
  as_user keystone keystone-manage db_sync >>"$LAB_LOGS/manage.log" 2>&1
  keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone >>"$LAB_LOGS/manage.log" 2>&1
  keystone-manage credential_setup --keystone-user keystone --keystone-group keystone >>"$LAB_LOGS/manage.log" 2>&1
  keystone-manage bootstrap --bootstrap-password "$LAB_PW" \
    --bootstrap-admin-url http://127.0.0.1:5000/v3/ --bootstrap-internal-url http://127.0.0.1:5000/v3/ \
    --bootstrap-public-url http://127.0.0.1:5000/v3/ --bootstrap-region-id "$LAB_REGION" >>"$LAB_LOGS/manage.log" 2>&1
fi
mkdir -p /etc/lab && uwsgi_ini keystone /usr/bin/keystone-wsgi-public 5000 /var/log/keystone/keystone-uwsgi.log > /etc/lab/keystone-uwsgi.ini
start_daemon keystone keystone -- /usr/bin/uwsgi_python3 --ini /etc/lab/keystone-uwsgi.ini
wait_port 127.0.0.1 5000 60

umask 077
cat > "$LAB_STATE/clouds.yaml" <<YAML
clouds:
  lab:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      password: $LAB_PW
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $LAB_REGION
    identity_api_version: 3
    interface: public
YAML
cat > "$LAB_STATE/openrc" <<RC
export OS_CLIENT_CONFIG_FILE=$LAB_STATE/clouds.yaml
export OS_CLOUD=lab
RC
umask 022
wait_for 60 "keystone token" os token issue -f value -c id

# Service project, users and catalog: skip what already exists so a re-run is cheap.
existing=$(os endpoint list -f value -c 'Service Type' -c Interface | tr ' ' : | sort -u)
have_user=$(os user list -f value -c Name)
{
  os project show service >/dev/null 2>&1 || echo "project create --domain default service"
  echo "role add --project admin --user admin admin"
  while read -r svc type port path; do
    grep -qx "$svc" <<<"$have_user" || echo "user create --domain default --password $LAB_PW $svc"
    echo "role add --project service --user $svc admin"
    echo "role add --project service --user $svc service"
    grep -q "^$type:" <<<"$existing" || {
      echo "service create --name $svc $type"
      for i in public internal admin; do
        echo "endpoint create --region $LAB_REGION $type $i http://127.0.0.1:$port$path"
      done
    }
  done <<SVCS
glance image 9292 
placement placement 8778 
nova compute 8774 /v2.1
neutron network 9696 
cinder volumev3 8776 /v3/%(project_id)s
SVCS
} > "$LAB_RUN/keystone-batch.txt"
os role show service >/dev/null 2>&1 || sed -i '1i role create service' "$LAB_RUN/keystone-batch.txt"
os_batch < "$LAB_RUN/keystone-batch.txt" >/dev/null 2>"$LAB_LOGS/keystone-batch.err" || true
rm -f "$LAB_RUN/keystone-batch.txt"   # it holds the password
os catalog list -f value -c Type | sort | tr '\n' ' ' >&2; echo >&2
log "keystone up"
