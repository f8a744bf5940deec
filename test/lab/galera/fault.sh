#!/usr/bin/env bash
# Faults of the Galera topology. ../fault.sh delegates every name this script lists.
# Usage: fault.sh <name> | --heal <name> | --symptom <name> | --list | --heal-all [--no-wait]
# The symptom step makes placement-galera hit the DB (through HAProxy) repeatedly, so the errors land
# in its real oslo.db log (/var/log/placement/placement-galera.log on controller-0).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib.sh"
require_root

FAULTS=(
  "db-galera-partitioned|db-2 cut from db-0/db-1 (iptables drop of gcomm 4567 in its netns): non-Primary, still UP in HAProxy"
  "db-max-connections|db-1: max_connections lowered to 20 and held full by idle clients"
  "db-haproxy-backend-down|HAProxy's path to db-0:3306 dropped 12 s of every 24 s: the backend flaps DOWN/UP"
  "db-wrong-bind-address|db-1's mariadbd restarted with bind-address=127.0.0.1 (still Synced, unreachable from HAProxy)"
)
CHAIN=LAB-GALERA-FAULT

# iptables in a DB node's netns, in a chain of our own (heal = flush and drop the chain).
ipt_add() { local node=$1; shift
  node_exec "$node" iptables -N "$CHAIN" 2>/dev/null || true
  node_exec "$node" iptables -C INPUT -j "$CHAIN" 2>/dev/null || node_exec "$node" iptables -I INPUT -j "$CHAIN"
  node_exec "$node" iptables -A "$CHAIN" "$@"
}
ipt_clear() { local node=$1
  node_holder_pid "$node" >/dev/null || return 0
  node_exec "$node" iptables -D INPUT -j "$CHAIN" 2>/dev/null || true
  node_exec "$node" iptables -F "$CHAIN" 2>/dev/null || true
  node_exec "$node" iptables -X "$CHAIN" 2>/dev/null || true
}

# ---- db-galera-partitioned ----
inject_db-galera-partitioned() {
  ipt_add db-2 -p tcp --dport 4567 -j DROP
  ipt_add db-2 -p tcp --sport 4567 -j DROP
  # EVS suspects the peers after 5 s, declares them inactive after 10 s.
  wait_for 60 "db-2 non-Primary" bash -c "[[ \$(source $LAB_DIR/lib.sh; source $GALERA_DIR/lib.sh; galera_status db-2 wsrep_cluster_status) == non-Primary ]]"
}
heal_db-galera-partitioned() { ipt_clear db-2; }

# ---- db-max-connections ----
HOLD=20
inject_db-max-connections() {
  galera_mysql db-1 -e "SET GLOBAL max_connections = $HOLD"
  # One daemon holding HOLD idle connections as an unprivileged user (root keeps its one extra slot).
  start_node_daemon galera-conn-holder db-1 root -- bash -c \
    "for i in \$(seq $HOLD); do mariadb -u lab_hold -e 'SELECT SLEEP(3600)' & sleep 0.05; done; wait"
  wait_for 30 "db-1 full" bash -c "(( \$(source $LAB_DIR/lib.sh; source $GALERA_DIR/lib.sh; galera_status db-1 Threads_connected) >= $HOLD ))"
}
heal_db-max-connections() {
  stop_service galera-conn-holder db-1 5
  galera_mysql db-1 -e "SET GLOBAL max_connections = 150" 2>/dev/null || true
}

# ---- db-haproxy-backend-down (flapping) ----
inject_db-haproxy-backend-down() {
  # Only connections from HAProxy's address are cut; the node itself and Galera are untouched.
  start_node_daemon galera-flapper db-0 root -- bash -c "
    while :; do
      iptables -N $CHAIN 2>/dev/null || true
      iptables -C INPUT -j $CHAIN 2>/dev/null || iptables -I INPUT -j $CHAIN
      iptables -A $CHAIN -p tcp -s $GALERA_VIP --dport 3306 -j DROP; sleep 12
      iptables -F $CHAIN; sleep 12
    done"
  sleep 8
}
heal_db-haproxy-backend-down() { stop_service galera-flapper db-0 3; ipt_clear db-0; }

# ---- db-wrong-bind-address ----
inject_db-wrong-bind-address() {
  stop_service mariadb db-1 60
  galera_start_mysqld db-1 127.0.0.1
  wait_for 120 "db-1 Synced again (bound to 127.0.0.1)" galera_synced db-1
}
heal_db-wrong-bind-address() {
  node_holder_pid db-1 >/dev/null || return 0   # node down (down.sh): nothing to restart
  if ! grep -q -- "--bind-address=${GALERA_IP[db-1]}" "/proc/$(daemon_pid mariadb-db-1 || echo 0)/cmdline" 2>/dev/null \
     || ! node_exec db-1 ss -Hltn | grep -q "${GALERA_IP[db-1]}:3306"; then
    stop_service mariadb db-1 60
    galera_start_mysqld db-1
    wait_for 120 "db-1 Synced" galera_synced db-1
  fi
}

# ---- symptom: placement-galera hits the DB 60 times, 0.5 s apart ----
symptom_common() {
  local i code ok=0 bad=0 codes=""
  for i in $(seq 60); do
    code=$(galera_api_hit 20)
    if [[ $code == 200 ]]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi; codes+="$code "
    sleep 0.5
  done
  echo "placement-galera GET /resource_providers x60: $ok ok, $bad failed: $codes" >&2
}

heal_all() { local f; for f in "${FAULTS[@]}"; do "heal_${f%%|*}" || true; done; }

usage() { echo "usage: fault.sh <name> | --heal <name> | --symptom <name> | --list | --heal-all" >&2; exit 2; }
known() { local f; for f in "${FAULTS[@]}"; do [[ ${f%%|*} == "$1" ]] && return 0; done
  echo "unknown galera fault '$1'; try: fault.sh --list" >&2; exit 2; }

case ${1:-} in
  --list) for f in "${FAULTS[@]}"; do printf '%-22s %s\n' "${f%%|*}" "${f#*|}"; done ;;
  --heal)
    [[ -n ${2:-} ]] || usage; known "$2"
    log "healing $2"; "heal_$2"
    bash "$GALERA_DIR/health.sh" --wait "${HEAL_WAIT:-180}" ;;
  --heal-all) heal_all; [[ ${2:-} == --no-wait ]] || bash "$GALERA_DIR/health.sh" --wait "${HEAL_WAIT:-180}" ;;
  --symptom)
    [[ -n ${2:-} ]] || usage; [[ $2 == db-healthy ]] || known "$2"
    log "bringing about the symptom of $2"; symptom_common ;;
  ""|-h|--help) usage ;;
  *) known "$1"; log "injecting $1"; "inject_$1"; log "injected $1" ;;
esac
