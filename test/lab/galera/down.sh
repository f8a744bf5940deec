#!/usr/bin/env bash
# Stop everything galera/up.sh started (by pid/pgid); --purge also removes the DB nodes' state,
# namespaces, configs, logs and their ssh/inventory entries. ../down.sh runs it first.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib.sh"
require_root
purge=false
[[ ${1:-} == --purge ]] && purge=true
t0=$SECONDS

# A fault may have left a stress or a connection holder running, or a cgroup/filter behind.
[[ -f $GALERA_DIR/fault.sh ]] && bash "$GALERA_DIR/fault.sh" --heal-all --no-wait >/dev/null 2>&1 || true

names() { local f; for f in "$LAB_RUN"/$1.pid; do [[ -e $f ]] && basename "$f" .pid; done; return 0; }
stop_daemons 10 "$GALERA_API" galera-haproxy $(names 'sshd-db-*') $(names 'galera-fwd-*')
# mariadbd: a clean shutdown (it writes grastate.dat with its seqno); the node holders last.
stop_daemons 30 $(names 'mariadb-db-*')
stop_daemons 5 $(names 'node-db-*')
rm -f "$LAB_RUN"/nodes/db-*.holder "$LAB_RUN"/nodes/db-*.ready

left=0
for f in "$LAB_RUN"/galera-*.pid "$LAB_RUN"/mariadb-db-*.pid "$LAB_RUN"/node-db-*.pid "$LAB_RUN"/sshd-db-*.pid "$LAB_RUN/$GALERA_API.pid"; do
  [[ -s $f ]] && kill -0 "$(<"$f")" 2>/dev/null && { log "still running: $(basename "$f" .pid)"; left=1; }
done
if ss -Hltn | awk '{print $4}' | grep -Eq "^127\.0\.1\.2[0-9]:"; then
  log "still listening on 127.0.1.2x:"; ss -Hltnp | grep -E '127\.0\.1\.2[0-9]:' >&2; left=1
fi

if $purge; then
  for n in "${GALERA_NODES[@]}"; do
    [[ -e /run/netns/$n ]] && ip netns delete "$n"
    rm -rf "${LAB_STATE:?}/nodes/$n"
  done
  rm -rf "$GALERA_RUN" "$GALERA_ETC" /var/log/placement/placement-galera.log "$LAB_LOGS"/galera-*
  : > /var/log/haproxy.log
  if [[ -f $LAB_STATE/ssh/known_hosts ]]; then
    sed -i -E '/^db-[0-9],/d' "$LAB_STATE/ssh/known_hosts"
    awk '/^Host /{skip = ($2 ~ /^db-[0-9]$/)} !skip' "$LAB_STATE/ssh/ssh_config" > "$LAB_STATE/ssh/ssh_config.new" \
      && mv "$LAB_STATE/ssh/ssh_config.new" "$LAB_STATE/ssh/ssh_config"
  fi
  if [[ -f $LAB_STATE/inventory.yaml ]]; then
    sed -i -E '/name: db-[0-9],/d; s/, loadbalancer\]/]/' "$LAB_STATE/inventory.yaml"
  fi
  grep -q '^db-[0-9]' <<<"$(ip netns list)" && { log "namespaces left: $(ip netns list | grep '^db-' | tr '\n' ' ')"; left=1; }
fi
((left == 0)) || die "galera topology not fully down after $((SECONDS - t0))s"
log "galera topology down$($purge && echo ' and purged') in $((SECONDS - t0))s"
