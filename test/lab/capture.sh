#!/usr/bin/env bash
# npm run lab:capture -- <fault>   (or "healthy")
# Injects the fault, brings the symptom about, records what the tool needs under
# fixtures/lab/<fault>/ (raw command outputs, log tails, /proc samples, one small `sos report`
# archive per node, PROVENANCE.md), then heals and checks health.
# Every saved command output starts with "$ <command>" and ends with "[exit status: N]", as in
# shared/reference/lab-captures/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
load_secrets

fault=${1:?usage: capture.sh <fault>|healthy   (fault.sh --list names the faults)}
# The DB incident's faults live in galera/ and are captured by its own script (its nodes, logs, rotation).
if [[ $fault == db-* && -f $LAB_DIR/galera/capture.sh ]]; then exec bash "$LAB_DIR/galera/capture.sh" "$@"; fi
repo=$(cd "$LAB_DIR/../.." && pwd)
out=$repo/fixtures/lab/$fault
SSH=(ssh -F "$LAB_STATE/ssh/ssh_config" -o BatchMode=yes -o ConnectTimeout=10)
t0=$SECONDS
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

bash "$LAB_DIR/health.sh" --wait 120 || die "the lab must be healthy before a capture (npm run lab:up)"
rm -rf "$out"; mkdir -p "$out/sos"
timings=$out/timings.txt
mark() { printf '%-28s %4ds\n' "$1" $((SECONDS - t0)) >> "$timings"; }

# record FILE CMD...: run CMD, save "$ CMD", its stdout+stderr and "[exit status: N]" to FILE.
record() {
  local file=$1; shift
  local rc=0
  { printf '$ %s\n' "$*"; timeout 120 "$@" 2>&1 || rc=$?; printf '[exit status: %d]\n' "$rc"; } > "$out/$file"
}
# on_node NODE FILE CMD: the same, but CMD runs on NODE over the lab's real ssh.
on_node() {
  local node=$1 file=$2 cmd=$3 rc=0
  { printf '$ ssh %s %s\n' "$node" "$cmd"; timeout 120 "${SSH[@]}" "$node" "$cmd" 2>&1 || rc=$?
    printf '[exit status: %d]\n' "$rc"; } > "$out/$node.$file"
}

# ---- inject and bring the symptom about ----
if [[ $fault != healthy ]]; then
  bash "$LAB_DIR/fault.sh" "$fault"; mark injected
  bash "$LAB_DIR/fault.sh" --symptom "$fault" 2> "$out/symptom.txt" || true; mark symptom
fi

bash "$LAB_DIR/journal.sh" 2>/dev/null || log "journal.sh failed; journalctl on the nodes shows older entries"

# ---- cloud-level views (openstack CLI, JSON) ----
# the servers and volumes the symptoms create (one list call each: ~2 s per openstack process)
names=" $(os server list -f value -c Name 2>/dev/null | tr '\n' ' ') "
servers=(vm-web-1); for s in vm-bind-fail vm-slow-1 vm-stuck-1 vm-noplace-1 vm-nocompute-1 vm-nokey-1 vm-unmapped-1 vm-quota-1 vm-bigflavor-1 vm-s390x-1 vm-noimage-1; do
  [[ $names == *" $s "* ]] && servers+=("$s"); done
names=" $(os volume list -f value -c Name 2>/dev/null | tr '\n' ' ') "
volumes=(vol-web-1); for v in vol-novol-1 vol-huge-1 vol-norabbit-1 vol-memalarm-1; do
  [[ $names == *" $v "* ]] && volumes+=("$v"); done
port=$(os port list --server vm-web-1 -f value -c ID | head -1)
{
  echo "openstack_server_list.txt server list --long -f json"
  for s in "${servers[@]}"; do echo "openstack_server_show_$s.txt server show $s -f json"; done
  for s in "${servers[@]}"; do
    [[ $s == vm-web-1 || $s == vm-nokey-1 ]] && echo "openstack_console_log_show_$s.txt console log show $s"; done
  for v in "${volumes[@]}"; do echo "openstack_volume_show_$v.txt volume show $v -f json"; done
  echo "openstack_keypair_list.txt keypair list -f json"
  echo "openstack_port_list.txt port list --long -f json"
  [[ -n $port ]] && echo "openstack_port_show_vm-web-1.txt port show $port -f json"
  echo "openstack_security_group_rule_list_web.txt security group rule list web --long -f json"
  echo "openstack_network_agent_list.txt network agent list -f json"
  echo "openstack_network_show_private.txt network show private -f json"
  echo "openstack_floating_ip_list.txt floating ip list --long -f json"
  echo "openstack_router_list.txt router list --long -f json"
  echo "openstack_router_show_r-web.txt router show r-web -f json"
  echo "openstack_network_agent_list_router_r-web.txt network agent list --router r-web --long -f json"
  echo "openstack_network_show_ext-net.txt network show ext-net -f json"
  # the same in the client's default table format, as sosreports hold the openstack client's output
  echo "openstack_router_list_table.txt router list --long"
  echo "openstack_router_list_short_table.txt router list"
  echo "openstack_router_show_r-web_table.txt router show r-web"
  echo "openstack_floating_ip_list_table.txt floating ip list --long"
  echo "openstack_network_list_table.txt network list --long"
  echo "openstack_compute_service_list.txt compute service list -f json"
  echo "openstack_hypervisor_list.txt hypervisor list --long -f json"
  echo "openstack_volume_list.txt volume list --long -f json"
  echo "openstack_volume_service_list.txt volume service list -f json"
} > "$LAB_RUN/capture-cmds.txt"
# ~2 s per openstack process (gotcha 15): run four at a time.
while read -r file args; do
  # shellcheck disable=SC2086
  ( OS_TIMEOUT=60 record "$file" openstack $args ) &
  while (($(jobs -rp | wc -l) >= 4)); do wait -n || true; done
done < "$LAB_RUN/capture-cmds.txt"
wait
mark openstack

# ---- per-node views, over ssh exactly as the tool will see them ----
for node in "${LAB_NODES[@]}"; do
  (
    on_node "$node" ovs-vsctl_show.txt 'ovs-vsctl --timeout=10 show'
    on_node "$node" ovs-ofctl_dump-flows_br-int.txt 'ovs-ofctl --timeout=10 dump-flows br-int'
    on_node "$node" ovs-vsctl_list_interface.txt 'ovs-vsctl --timeout=10 --columns=name,ofport,mtu,mtu_request,external_ids list Interface'
    on_node "$node" proc_loadavg.txt 'cat /proc/loadavg'
    on_node "$node" proc_stat_1.txt 'cat /proc/stat'
    sleep 1
    on_node "$node" proc_stat_2.txt 'cat /proc/stat'
    on_node "$node" proc_meminfo.txt 'cat /proc/meminfo'
    on_node "$node" proc_diskstats.txt 'cat /proc/diskstats'
    on_node "$node" proc_net_dev.txt 'cat /proc/net/dev'
    on_node "$node" proc_pressure.txt 'for f in /proc/pressure/*; do echo "== $f"; cat "$f"; done'
    on_node "$node" date.txt 'date -u +%Y-%m-%dT%H:%M:%SZ'
    on_node "$node" ps.txt 'ps -eo pid,ppid,stat,pcpu,rss,etimes,args --sort=-pcpu | head -60'
    if [[ $node == controller-0 ]]; then
      logs=(nova/nova-api.log nova/nova-conductor.log nova/nova-scheduler.log neutron/neutron-server.log
            neutron/neutron-openvswitch-agent.log neutron/neutron-dhcp-agent.log neutron/neutron-l3-agent.log cinder/cinder-api.log
            cinder/cinder-scheduler.log cinder/cinder-volume.log placement/placement-uwsgi.log
            rabbitmq/rabbit@localhost.log openvswitch/ovs-vswitchd.log)
    else
      logs=(nova/nova-compute.log neutron/neutron-openvswitch-agent.log openvswitch/ovs-vswitchd.log openvswitch/ovsdb-server.log)
    fi
    if [[ $node == controller-0 ]]; then units=(nova-scheduler nova-conductor neutron-server neutron-l3-agent)
    else units=(nova-compute neutron-openvswitch-agent); fi
    for u in "${units[@]}"; do
      on_node "$node" "journalctl_u_$u.txt" "journalctl -u $u -p warning -n 100 --no-pager"
    done
    for l in "${logs[@]}"; do
      on_node "$node" "log_$(basename "$l").txt" "tail -n 300 /var/log/$l"
    done
  ) &
done
wait
mark nodes
# The VM-level symptom: does vm-web-1 answer ssh from the probe namespace on compute-0?
if [[ -e /run/netns/vm-web-1 ]]; then
  record vm-web-1.ssh_from_probe-compute-0.txt bash "$LAB_DIR/vm-answer.sh" --check
fi

# ---- one small sos report per node (restricted plugins, 1 MiB per log) ----
sos_plugins() {
  case $1 in
    controller-0) echo openstack_nova,openstack_neutron,openstack_cinder,openvswitch,rabbitmq,host,process,memory,processor,date,filesys ;;
    *) echo openstack_nova,openstack_neutron,openvswitch,host,process,memory,processor,date,filesys ;;
  esac
}
# sos's openstack plugins run `openstack ...` only when OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME
# are in its environment: the controller's sos run sources them from a root-only file (never on a
# command line). The computes have no credentials, like real ones.
sos_openrc=$LAB_STATE/sos-openrc
( umask 077; /usr/bin/python3 - "$LAB_STATE/clouds.yaml" > "$sos_openrc" <<'PY'
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))["clouds"]["lab"]; au = a["auth"]
env = {"OS_AUTH_URL": au["auth_url"], "OS_USERNAME": au["username"], "OS_PASSWORD": au["password"],
       "OS_PROJECT_NAME": au["project_name"], "OS_USER_DOMAIN_NAME": au.get("user_domain_name", "Default"),
       "OS_PROJECT_DOMAIN_NAME": au.get("project_domain_name", "Default"),
       "OS_REGION_NAME": a.get("region_name", "RegionOne"), "OS_IDENTITY_API_VERSION": "3"}
for k, v in env.items(): print(f"export {k}='{v}'")
PY
)
sos_env() { [[ $1 == controller-0 ]] && echo ". $sos_openrc && "; return 0; }
# one sos per node, all three at once (each waits mostly on its plugins' commands)
for node in "${LAB_NODES[@]}"; do (
  tmp=/var/tmp/lab-sos-$node
  rm -rf "$tmp"; mkdir -p "$tmp"
  rc=0
  timeout 600 "${SSH[@]}" "$node" "$(sos_env "$node")sos report --batch --quiet --tmp-dir $tmp --label ${fault//[^a-z0-9]/} \
    --log-size 1 --plugin-timeout 120 -o $(sos_plugins "$node")" > "$out/sos/$node.sos-report.txt" 2>&1 || rc=$?
  echo "[exit status: $rc]" >> "$out/sos/$node.sos-report.txt"
  sed -i "1i \$ ssh $node $(sos_env "$node")sos report --batch --quiet --tmp-dir $tmp --label ${fault//[^a-z0-9]/} --log-size 1 --plugin-timeout 120 -o $(sos_plugins "$node")" "$out/sos/$node.sos-report.txt"
  archive=$(ls "$tmp"/sosreport-*.tar.xz 2>/dev/null | head -1 || true)
  if [[ -n $archive ]]; then
    cp "$archive" "$out/sos/$node.tar.xz"; chmod 644 "$out/sos/$node.tar.xz"
  else
    log "no sos archive from $node (see $out/sos/$node.sos-report.txt)"
  fi
  rm -rf "$tmp"
) & done
wait
mark sos

# ---- cloudtriage collect: the tool records its own bundle of the fault's playbook, live ----
# The playbook and target are the fault's row in expectations.tsv (healthy: vm-ssh-fail vm-web-1).
read -r pb target _ <<<"$(lab_expectation "$fault")"
collect_note="cloudtriage collect: no expectations.tsv row for $fault, no bundle"
if [[ -n ${pb:-} ]]; then
  collect_cmd=(node bin/run.js collect "$pb"); [[ $target == - ]] || collect_cmd+=("$target")
  collect_cmd+=(--inventory "$LAB_STATE/inventory.yaml" --out "$out/bundle" --overwrite)
  if ! (cd "$repo" && timeout 30 node bin/run.js collect --help >/dev/null 2>&1); then
    collect_note="cloudtriage collect: not available (node bin/run.js collect --help failed; npm run build?)"
  elif ! (cd "$repo" && node bin/run.js playbooks --json 2>/dev/null | grep -q "\"id\": \"$pb\""); then
    collect_note="cloudtriage collect: playbook $pb not built yet, no bundle"
  else
    rc=0
    { printf '$ OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=%s %s\n' "$OS_CLIENT_CONFIG_FILE" "$OS_CLOUD" "${collect_cmd[*]/#$out\//fixtures/lab/$fault/}"
      (cd "$repo" && timeout 600 "${collect_cmd[@]}") 2>&1 || rc=$?
      printf '[exit status: %d]\n' "$rc"; } > "$out/collect.txt"
    case $rc in
      0) collect_note="cloudtriage collect: bundle/ from \`collect $pb ${target/#-/}\` (exit 0; collect.txt)" ;;
      3) collect_note="cloudtriage collect: bundle/ from \`collect $pb ${target/#-/}\` (exit 3: partial, see collect.txt)" ;;
      *) collect_note="cloudtriage collect: FAILED with exit $rc, see collect.txt" ;;
    esac
  fi
fi
mark collect

# ---- heal ----
# (a failed heal must not skip the secret checks below: record it, fail at the end)
heal_rc=0
if [[ $fault != healthy ]]; then
  bash "$LAB_DIR/fault.sh" --heal "$fault" || heal_rc=$?; mark healed
fi

# ---- no secret may leave the lab ----
# sos 4.0's OpenStack postproc regexes ("((?m)^...") raise "global flags not at the start of the
# expression" on Python 3.11, so sos leaves passwords and transport_url in /etc/nova, /etc/neutron
# and /etc/cinder. Mask the lab password in each archive as sos meant to (value -> *********).
mask_archive() {
  local a=$1 d; d=$(mktemp -d)
  tar -C "$d" -xJf "$a"
  local hits; hits=$(grep -rlF -- "$LAB_PW" "$d" || true)
  if [[ -n $hits ]]; then
    # shellcheck disable=SC2086
    sed -i "s/$LAB_PW/*********/g" $hits
    (cd "$d" && tar -cJf "$a" -- *); chmod 644 "$a"
    echo "$(basename "$a"): masked the lab password in $(wc -l <<<"$hits") file(s): $(sed "s|^$d/[^/]*/||" <<<"$hits" | tr '\n' ' ')" >> "$out/sos/MASKED.txt"
  fi
  rm -rf "$d"
}
for a in "$out"/sos/*.tar.xz; do [[ -e $a ]] && mask_archive "$a"; done
if grep -rqF --exclude='*.tar.xz' -- "$LAB_PW" "$out"; then rm -rf "$out"; die "lab password found in $out; capture discarded"; fi
for a in "$out"/sos/*.tar.xz; do
  [[ -e $a ]] || continue
  if xz -dc "$a" | grep -acF -- "$LAB_PW" >/dev/null; then rm -f "$a"; log "lab password still in $(basename "$a"); archive removed"; fi
done

# ---- provenance ----
{
  echo "# fixtures/lab/$fault"
  echo
  echo "Captured from the real cloudtriage lab (test/lab/, OpenStack Zed from Debian bookworm) by"
  echo "\`npm run lab:capture -- $fault\` on $started. Nothing here was edited by hand."
  echo
  if [[ $fault == healthy ]]; then echo "- Fault: none (the healthy lab, as up.sh leaves it)"
  else echo "- Fault: \`$fault\` — $(bash "$LAB_DIR/fault.sh" --list | awk -v f="$fault" '$1==f{ $1=""; sub(/^ +/,""); print }')"; fi
  echo "- Lab: controller-0 127.0.1.10, compute-0 127.0.1.11, compute-1 127.0.1.12 (namespaces on one host);"
  echo "  service_down_time=$LAB_SERVICE_DOWN_TIME s, report_interval=$LAB_REPORT_INTERVAL s, agent_down_time=$LAB_AGENT_DOWN_TIME s (lowered for CI)."
  echo "- Host: $(uname -sr), $(nproc) CPUs, $(free -m | awk '/^Mem:/{print $2}') MiB RAM."
  echo "- Files: \`openstack_*.txt\` cloud views; \`<node>.*.txt\` command outputs over ssh on each node;"
  echo "  \`sos/<node>.tar.xz\` from \`sos report\` on the node; \`symptom.txt\` what the trigger saw;"
  echo "  \`timings.txt\` seconds since the start. Each output starts with \`\$ <command>\` and ends with \`[exit status: N]\`."
  echo "- $collect_note"
  echo "- sos archives: the lab password was masked after collection because sos 4.0's OpenStack"
  echo "  scrubbing fails on Python 3.11 (see \`sos/MASKED.txt\`); nothing else in them was changed."
  echo "- Per-node resource views: on each node \`/proc/pressure/{cpu,memory,io}\` is that node's own cgroup v2"
  echo "  PSI (its processes are in cgroup \`lab/<node>\`, the cgroup's \`*.pressure\` bind-mounted over"
  echo "  /proc/pressure/* in the node's mount namespace, test/lab/node-cgroup.sh); \`/proc/net/dev\` is the"
  echo "  node's network namespace; \`/proc/loadavg\`, \`/proc/stat\`, \`/proc/meminfo\`, \`/proc/diskstats\` are"
  echo "  machine-wide (the same host seen from every node, shared with other work on it)."
  echo
  echo "## What the sos archives contain"
  echo
  echo "Plugins per node are in \`sos/<node>.sos-report.txt\` (first line). sos runs the \`openstack\` client only"
  echo "when OS_USERNAME/OS_PASSWORD/OS_PROJECT_NAME are set: controller-0's run had them (sourced from a"
  echo "root-only file), the computes' did not. API outputs in each archive (sos_commands/openstack_*/):"
  echo
  for a in "$out"/sos/*.tar.xz; do
    [[ -e $a ]] || continue
    api=$(tar -tJf "$a" | grep -E '/sos_commands/openstack_[a-z]+/(openstack|nova|neutron|cinder)_' | sed 's|^[^/]*/||' || true)
    if [[ -z $api ]]; then echo "- \`$(basename "$a")\`: none"
    else
      echo "- \`$(basename "$a")\`: $(wc -l <<<"$api") files: $(sed 's|.*/||' <<<"$api" | tr '\n' ' ')"
    fi
  done
  echo
  echo "Commands sos ran but that failed (from sos_commands/*, first line says 'command not found' or an error):"
  echo
  for a in "$out"/sos/*.tar.xz; do
    [[ -e $a ]] || continue
    d=$(mktemp -d); tar -C "$d" -xJf "$a" --wildcards '*/sos_commands/openstack_*' 2>/dev/null || true
    bad=$(grep -lE 'command not found|Missing value auth-url|Failed to discover|Unable to establish|^usage:' -r "$d" 2>/dev/null | sed 's|.*/||' | tr '\n' ' ' || true)
    echo "- \`$(basename "$a")\`: ${bad:-none}"
    rm -rf "$d"
  done
  echo
  echo "## Package versions (dpkg-query)"
  echo
  echo '```'
  dpkg-query -W -f='${Package} ${Version}\n' nova-common neutron-common cinder-common keystone glance-common \
    placement-common openvswitch-switch mariadb-server rabbitmq-server python3-openstackclient sosreport stress-ng 2>/dev/null
  echo '```'
} > "$out/PROVENANCE.md"
mark done
log "capture of $fault in $out ($(du -sh "$out" | cut -f1), $((SECONDS - t0))s)"
((heal_rc == 0)) || die "the heal of $fault failed (exit $heal_rc): the lab is not healthy"
