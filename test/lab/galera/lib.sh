# shellcheck shell=bash
# Shared helpers for the Galera topology (test/lab/galera/). Source it after ../lib.sh.
#
#   controller-0 (root netns)  127.0.1.20:3306  HAProxy "galera" (mysql-check, roundrobin)
#                              127.0.1.20:8404  HAProxy stats page (HTTP, read-only CSV at /stats;csv)
#                              127.0.1.20:8780  placement-galera: a second placement API whose DB is the
#                                               cluster, through HAProxy (noauth2, no keystone needed)
#   db-0/db-1/db-2             127.0.1.21/.22/.23: netns + mount + UTS + PID namespaces (the lab's
#                              node-init.sh), each with its own sshd, mariadbd (wsrep, galera-4) and
#                              /etc/mysql, /var/lib/mysql, /var/log/mysql, /run/mysqld
#
# Namespaces have no links between them (loopback only, as in the rest of the lab). Every TCP path
# between them is a socat pair over a UNIX socket in /run/lab/galera/fwd:
#   in the target's netns  UNIX-LISTEN fwd/<node>-<port>.sock  ->  TCP <node-ip>:<port>
#   in every other netns   TCP-LISTEN <node-ip>:<port>          ->  UNIX-CONNECT fwd/<node>-<port>.sock
# so db-1 reaches db-0 at 127.0.1.21:4567 exactly as on a real network, and a packet filter in one
# node's netns (iptables) cuts that node off just as a firewall would.

GALERA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GALERA_RUN=$LAB_RUN/galera
GALERA_ETC=/etc/lab/galera
GALERA_NODES=(db-0 db-1 db-2)
declare -A GALERA_IP=([db-0]=127.0.1.21 [db-1]=127.0.1.22 [db-2]=127.0.1.23)
GALERA_VIP=127.0.1.20
GALERA_STATS_PORT=8404
GALERA_API_PORT=8780
GALERA_API=placement-galera
GALERA_CLUSTER=lab-galera
# gcomm 4567, IST 4568, SST (rsync) 4444 between DB nodes; 3306 from HAProxy on controller-0.
GALERA_PEER_PORTS=(4567 4568 4444)
# What each DB node sees privately at the standard paths.
GALERA_PRIVATE_DIRS=(/etc/mysql /var/lib/mysql /var/log/mysql /run/mysqld /var/log/journal)

galera_node_root() { echo "$LAB_STATE/nodes/$1/root"; }

# The node's PID 1 (node-init.sh), as in ../60-nodes.sh.
galera_start_node() {
  local node=$1 ip=${GALERA_IP[$1]}
  [[ -e /run/netns/$node ]] || ip netns add "$node"
  ip -n "$node" link set lo up
  ip -n "$node" addr replace "$ip/32" dev lo
  if ! node_holder_pid "$node" >/dev/null; then
    mkdir -p "$LAB_RUN/nodes"
    rm -f "$LAB_RUN/nodes/$node.ready"
    stop_daemon "node-$node" 2
    start_daemon "node-$node" root -- ip netns exec "$node" unshare --pid --fork --mount-proc --mount \
      --uts --propagation private bash "$LAB_DIR/node-init.sh" "$node" "${GALERA_PRIVATE_DIRS[@]}"
    wait_for 20 "node $node ready" test -e "$LAB_RUN/nodes/$node.ready"
    pgrep -P "$(daemon_pid "node-$node")" > "$LAB_RUN/nodes/$node.holder"
  fi
}

# galera_mysqld_args NODE [BIND]: the mariadbd command line (BIND overrides bind-address: a fault).
galera_mysqld_args() {
  local node=$1 bind=${2:-${GALERA_IP[$1]}}
  echo /usr/sbin/mariadbd --user=mysql --bind-address="$bind"
}

# galera_start_mysqld NODE [--bootstrap] [BIND]
galera_start_mysqld() {
  local node=$1; shift
  local -a extra=()
  if [[ ${1:-} == --bootstrap ]]; then extra=(--wsrep-new-cluster); shift; fi
  # shellcheck disable=SC2046
  start_node_daemon mariadb "$node" root -- $(galera_mysqld_args "$node" "${1:-}") "${extra[@]}"
}

galera_mysql() { local node=$1; shift; node_exec "$node" mariadb --connect-timeout=5 "$@"; }

# galera_status NODE VAR: one SHOW GLOBAL STATUS value, empty if the node does not answer.
galera_status() {
  galera_mysql "$1" -N -B -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}' || true
}

galera_synced() {
  [[ $(galera_status "$1" wsrep_local_state_comment) == Synced && $(galera_status "$1" wsrep_cluster_status) == Primary ]]
}

galera_ssh() { ssh -F "$LAB_STATE/ssh/ssh_config" -o BatchMode=yes -o ConnectTimeout=10 "$@"; }

# HAProxy's CSV from its stats page (read-only; the admin socket is not used by health checks).
galera_haproxy_csv() { curl -s --max-time 5 "http://$GALERA_VIP:$GALERA_STATS_PORT/stats;csv"; }

# galera_api_hit: one placement-galera request that needs the DB; prints the HTTP status.
galera_api_hit() {
  curl -s -o /dev/null -w '%{http_code}' --max-time "${1:-20}" -H 'X-Auth-Token: admin' \
    -H 'OpenStack-API-Version: placement latest' "http://$GALERA_VIP:$GALERA_API_PORT/resource_providers" || true
}
