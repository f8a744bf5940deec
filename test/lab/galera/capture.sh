#!/usr/bin/env bash
# capture.sh <db-fault>|db-healthy — inject (unless db-healthy), bring the symptom about, record what
# `cloudtriage db-conn-error` reads under fixtures/lab/<name>/, then heal.
# Same format as ../capture.sh: each file starts with "$ <command>" (ssh <node> ... for node commands)
# and ends with "[exit status: N]"; per-node files are <node>.<what>.txt; PROVENANCE.md says how.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

fault=${1:?usage: capture.sh <db-fault>|db-healthy   (fault.sh --list names the faults)}
[[ $fault == db-* ]] || die "galera captures are named db-*"
repo=$(cd "$LAB_DIR/../.." && pwd)
out=$repo/fixtures/lab/$fault
SSH=(ssh -F "$LAB_STATE/ssh/ssh_config" -o BatchMode=yes -o ConnectTimeout=10)
t0=$SECONDS
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

bash "$GALERA_DIR/health.sh" --wait 120 || die "the Galera topology must be healthy before a capture"
rm -rf "$out"; mkdir -p "$out"
mark() { printf '%-28s %4ds\n' "$1" $((SECONDS - t0)) >> "$out/timings.txt"; }

# Start each capture with fresh logs, as a rotation would (move the file, make the writer reopen it), so
# a capture shows only its own fault; the previous fault's lines stay in the rotated .1 files.
# HAProxy (logging to its stderr) and uwsgi reopen only on restart; mariadbd on FLUSH ERROR LOGS.
rotate_logs() {
  mv -f /var/log/haproxy.log /var/log/haproxy.log.1 2>/dev/null || true
  stop_daemon galera-haproxy 5
  mv -f /var/log/placement/placement-galera.log /var/log/placement/placement-galera.log.1 2>/dev/null || true
  stop_daemon "$GALERA_API" 10
  local n
  for n in "${GALERA_NODES[@]}"; do
    node_exec "$n" bash -c 'mv -f /var/log/mysql/error.log /var/log/mysql/error.log.1 && mariadb -e "FLUSH ERROR LOGS"'
  done
  bash "$GALERA_DIR/up.sh" >/dev/null 2>&1 || die "galera/up.sh could not restart HAProxy/placement-galera"
}
rotate_logs
mark rotated
# Healthy traffic first, so every log has a baseline before the fault.
for i in 1 2 3 4 5 6; do galera_api_hit 10 >/dev/null; sleep 0.5; done

# The symptom (API calls through HAProxy) runs across the injection, as users would be.
bash "$GALERA_DIR/fault.sh" --symptom "$fault" 2> "$out/symptom.txt" &
symptom_pid=$!
sleep 3
if [[ $fault != db-healthy ]]; then
  bash "$GALERA_DIR/fault.sh" "$fault" 2>> "$out/injection.txt"; mark injected
fi
wait "$symptom_pid" || true
mark symptom

on_node() {
  local node=$1 file=$2 cmd=$3 rc=0
  { printf '$ ssh %s %s\n' "$node" "$cmd"; timeout 120 "${SSH[@]}" "$node" "$cmd" 2>&1 || rc=$?
    printf '[exit status: %d]\n' "$rc"; } > "$out/$node.$file"
}
# on_node_q NODE FILE HEADER CMD: like on_node, with the header given apart from the shell command.
on_node_q() {
  local node=$1 file=$2 header=$3 cmd=$4 rc=0
  { printf '$ ssh %s %s\n' "$node" "$header"; timeout 120 "${SSH[@]}" "$node" "$cmd" 2>&1 || rc=$?
    printf '[exit status: %d]\n' "$rc"; } > "$out/$node.$file"
}
VARS="'max_connections','bind_address','wsrep_node_address','wsrep_on'"
node_views() { # NODE: the host-level samples every node gets
  local node=$1
  on_node "$node" proc_loadavg.txt 'cat /proc/loadavg'
  on_node "$node" proc_stat.txt 'cat /proc/stat'
  on_node "$node" proc_pressure_cpu.txt 'cat /proc/pressure/cpu'
  on_node "$node" proc_pressure_io.txt 'cat /proc/pressure/io'
  on_node "$node" proc_net_dev.txt 'cat /proc/net/dev'
  on_node "$node" date.txt 'date -u +%Y-%m-%dT%H:%M:%SZ'
}
(
  on_node controller-0 log_placement-galera.log.txt 'tail -n 400 /var/log/placement/placement-galera.log'
  on_node controller-0 log_haproxy.log.txt 'tail -n 400 /var/log/haproxy.log'
  node_views controller-0
) &
for n in "${GALERA_NODES[@]}"; do
  (
    on_node "$n" mysqladmin_extended-status.txt 'mysqladmin extended-status'
    # One argument after -e. The header lists argv words joined by spaces (as the replay keys them), so
    # it is written without the shell quotes that the command itself needs.
    on_node_q "$n" mysql_variables.txt "mysql -N -B -e SHOW GLOBAL VARIABLES WHERE Variable_name IN ($VARS)" \
      "mysql -N -B -e \"SHOW GLOBAL VARIABLES WHERE Variable_name IN ($VARS)\""
    on_node "$n" ss_-Hltn.txt 'ss -Hltn'
    on_node "$n" log_error.log.txt 'tail -n 200 /var/log/mysql/error.log'
    on_node "$n" ps.txt 'ps -eo pid,ppid,stat,pcpu,rss,etimes,args --sort=-pcpu'
    node_views "$n"
  ) &
done
wait
mark nodes

# ---- cloudtriage collect: the tool records its own bundle of db-conn-error, live, before the heal ----
# (the same step as ../capture.sh; test/golden/lab-faults.test.ts replays fixtures/lab/<fault>/bundle)
collect_note="cloudtriage collect: not available (node bin/run.js collect --help failed; npm run build?)"
collect_cmd=(node bin/run.js collect db-conn-error "$GALERA_API" --inventory "$LAB_STATE/inventory.yaml" --out "$out/bundle" --overwrite)
if (cd "$repo" && timeout 30 node bin/run.js collect --help >/dev/null 2>&1); then
  rc=0
  { printf '$ %s\n' "${collect_cmd[*]/#$out\//fixtures/lab/$fault/}"
    (cd "$repo" && timeout 600 "${collect_cmd[@]}") 2>&1 || rc=$?
    printf '[exit status: %d]\n' "$rc"; } > "$out/collect.txt"
  case $rc in
    0|3) collect_note="cloudtriage collect: bundle/ from \`collect db-conn-error $GALERA_API\` (exit $rc; collect.txt)" ;;
    *) collect_note="cloudtriage collect: FAILED with exit $rc, see collect.txt" ;;
  esac
fi
mark collect

if [[ $fault != db-healthy ]]; then
  bash "$GALERA_DIR/fault.sh" --heal "$fault" >/dev/null; mark healed
fi

if grep -rqF -- "$LAB_PW" "$out"; then rm -rf "$out"; die "lab password found in $out; capture discarded"; fi

{
  echo "# fixtures/lab/$fault"
  echo
  echo "Captured from the real cloudtriage lab's Galera topology (test/lab/galera/) by"
  echo "\`bash test/lab/galera/capture.sh $fault\` on $started. Nothing here was edited by hand."
  echo
  if [[ $fault == db-healthy ]]; then echo "- Fault: none (the healthy cluster as galera/up.sh leaves it)"
  else echo "- Fault: \`$fault\` — $(bash "$GALERA_DIR/fault.sh" --list | awk -v f="$fault" '$1==f{ $1=""; sub(/^ +/,""); print }')"; fi
  echo "- Symptom: placement-galera (a real placement API, oslo.db via HAProxy 127.0.1.20:3306) asked"
  echo "  60 times for /resource_providers, 0.5 s apart; \`symptom.txt\` has the HTTP codes."
  echo "- Topology: HAProxy + placement-galera on controller-0 (127.0.1.10, VIP 127.0.1.20); db-0/1/2 at"
  echo "  127.0.1.21/.22/.23, each a namespace with its own sshd, mariadbd and galera-4 (one cluster)."
  echo "- Logs were rotated just before the capture (moved to .1; HAProxy and placement-galera restarted, mariadbd"
  echo "  FLUSH ERROR LOGS) so each capture holds only its own fault: /var/log/haproxy.log,"
  echo "  /var/log/placement/placement-galera.log, /var/log/mysql/error.log."
  echo "- /proc is machine-wide in the lab (namespaces do not virtualise it): load and PSI are the host's."
  echo "- $collect_note"
  echo "- Host: $(uname -sr), $(nproc) CPUs, $(free -m | awk '/^Mem:/{print $2}') MiB RAM."
  echo "- Files: \`<node>.*.txt\` command outputs over the lab's real ssh; \`timings.txt\` seconds since start."
  echo "  \`<node>.mysql_variables.txt\`: its header lists the argv words joined by spaces; the SQL after \`-e\` was"
  echo "  one (quoted) argument on the real command line."
  echo
  echo "## Package versions (dpkg-query)"
  echo
  echo '```'
  dpkg-query -W -f='${Package} ${Version}\n' mariadb-server galera-4 haproxy placement-api python3-oslo.db \
    python3-pymysql 2>/dev/null
  echo '```'
} > "$out/PROVENANCE.md"
mark done
log "capture of $fault in $out ($(du -sh "$out" | cut -f1), $((SECONDS - t0))s)"
