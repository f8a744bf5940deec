#!/usr/bin/env bash
# Stage 20: MariaDB and RabbitMQ, both on 127.0.0.1 only.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

# --- MariaDB ---
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
cat > /etc/mysql/mariadb.conf.d/99-lab.cnf <<CNF
[mysqld]
bind-address = 127.0.0.1
port = 3306
max_connections = 300
innodb_buffer_pool_size = 128M
skip-name-resolve
CNF
start_daemon mariadb root -- /usr/sbin/mariadbd --user=mysql --pid-file=/run/mysqld/mysqld.pid
wait_for 60 "mariadb socket" mariadb -e 'select 1'

dbs=(keystone glance placement nova_api nova nova_cell0 neutron cinder)
sql=""
for db in "${dbs[@]}"; do
  user=${db%%_*}
  sql+="CREATE DATABASE IF NOT EXISTS $db;"
  sql+="CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$LAB_PW';"
  sql+="CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$LAB_PW';"
  # The password may have been regenerated (down.sh --purge): always set it.
  sql+="ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$LAB_PW';"
  sql+="ALTER USER '$user'@'localhost' IDENTIFIED BY '$LAB_PW';"
  sql+="GRANT ALL PRIVILEGES ON $db.* TO '$user'@'127.0.0.1';"
  sql+="GRANT ALL PRIVILEGES ON $db.* TO '$user'@'localhost';"
done
mariadb -e "$sql FLUSH PRIVILEGES;"

# --- RabbitMQ --- (loopback only, including epmd and Erlang distribution)
cat > /etc/rabbitmq/rabbitmq-env.conf <<CNF
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=5672
ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
CNF
# Run the broker directly as its user: /usr/sbin/rabbitmq-server would su into a new session (gotcha 13).
start_daemon rabbitmq rabbitmq -- env ERL_EPMD_ADDRESS=127.0.0.1 /usr/lib/rabbitmq/bin/rabbitmq-server
wait_port 127.0.0.1 5672 90
wait_for 60 "rabbitmq ready" rabbitmqctl -q status
if ! grep -q '^openstack' <<<"$(rabbitmqctl -q list_users)"; then
  rabbitmqctl -q add_user openstack "$LAB_PW" >/dev/null
fi
rabbitmqctl -q change_password openstack "$LAB_PW" >/dev/null
rabbitmqctl -q set_permissions openstack '.*' '.*' '.*' >/dev/null
log "mariadb and rabbitmq up"
