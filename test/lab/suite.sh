#!/usr/bin/env bash
# npm run test:lab — bring the lab up once, then for each fault: inject, bring the symptom about,
# run the fault's playbook (expectations.tsv) live over SSH and offline from the fault's sos
# archives, compare the top suspect with the expected (component, node), heal, check health.
# Usage: suite.sh [FAULT...]   (default: every fault in `fault.sh --list`)
# Env:   LAB_SUITE_SKIP_UP=1   reuse a running lab (only health.sh --wait, no up.sh)
#        LAB_SUITE_NO_BUILD=1  use dist/ as it is (default: npm run build first)
#        LAB_GALERA=0          leave test/lab/galera/ out (up, health)
# Prints one table (also written to test/lab/last-suite.txt); exits non-zero if an inject, symptom
# or heal failed, or a built playbook's top suspect missed, live or offline (a fault listed in
# not-live.tsv is judged offline only; one in sos-cannot-show.tsv live only). A playbook that is
# not built yet (`cloudtriage playbooks`) is reported "skipped (playbook not built)".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

repo=$(cd "$LAB_DIR/../.." && pwd)
faults=("$@")
((${#faults[@]})) || mapfile -t faults < <(bash "$LAB_DIR/fault.sh" --list | awk '{print $1}')
t0=$SECONDS
if [[ ${LAB_SUITE_SKIP_UP:-0} == 1 ]]; then
  bash "$LAB_DIR/health.sh" --wait 120 || die "LAB_SUITE_SKIP_UP=1 but the lab is not healthy"
else
  bash "$LAB_DIR/up.sh" || die "lab:up failed"   # up.sh brings test/lab/galera/ up too when it exists
fi
# Galera faults come from `fault.sh --list` (it delegates to galera/fault.sh); their topology must be healthy.
if [[ -f $LAB_DIR/galera/health.sh && ${LAB_GALERA:-1} != 0 ]]; then bash "$LAB_DIR/galera/health.sh" || die "galera/health.sh: not healthy"; fi

if [[ ${LAB_SUITE_NO_BUILD:-0} != 1 ]]; then (cd "$repo" && npm run build >/dev/null) || die "npm run build failed"; fi
built=" $(cd "$repo" && node bin/run.js playbooks --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
try: print(" ".join(p["id"] for p in json.load(sys.stdin)["playbooks"]))
except Exception: pass') "
log "built playbooks:${built% }"

out_dir=$LAB_LOGS/suite
mkdir -p "$out_dir"

# top_suspect FILE: "component@node confidence" of suspects[0] in a --json report, or why not.
top_suspect() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("no-json"); sys.exit()
s = r.get("suspects") or []
if not s:
    print("none"); sys.exit()
t = s[0]
print(f'{t.get("component")}@{t.get("node") or "-"} {float(t.get("confidence") or 0):.2f}')
PY
}

# run_playbook MODE PLAYBOOK TARGET FAULT: run the tool, leave its JSON in $out_dir, print the top.
run_playbook() {
  local mode=$1 pb=$2 target=$3 fault=$4 rc=0
  local -a cmd=(node bin/run.js)
  # A playbook with a command of its own (vm-ssh-fail) runs by name; the others through `run FILE`.
  if [[ -f $repo/dist/commands/$pb.js ]]; then cmd+=("$pb"); else cmd+=(run "playbooks/$pb.yaml"); fi
  # db-conn-error's target is the service whose log shows the DB errors: a flag, not an argument.
  if [[ $target != - ]]; then
    if [[ $pb == db-conn-error ]]; then cmd+=(--service "$target"); else cmd+=("$target"); fi
  fi
  if [[ $mode == live ]]; then
    cmd+=(--inventory "$LAB_STATE/inventory.yaml")
  else
    local from=$repo/fixtures/lab/$fault/sos
    [[ -n $(ls "$from"/*.tar.xz 2>/dev/null) ]] || { echo "no sos capture"; return 0; }
    cmd+=(--from "$from")
  fi
  cmd+=(--json)
  { printf '$ %s\n' "${cmd[*]}"; } > "$out_dir/$fault.$mode.cmd"
  (cd "$repo" && timeout 600 "${cmd[@]}") > "$out_dir/$fault.$mode.json" 2> "$out_dir/$fault.$mode.err" || rc=$?
  echo "$rc" >> "$out_dir/$fault.$mode.cmd"
  echo "$(top_suspect "$out_dir/$fault.$mode.json") rc=$rc"
}

rows=()
passed=0 failed=0
for f in "${faults[@]}"; do
  ft=$SECONDS inj=fail sym=fail heal=fail live=- offline=- offline_pid= expect=- verdict="no expectation" ok=1
  log "===== $f"
  if bash "$LAB_DIR/fault.sh" "$f"; then inj=ok; fi
  if [[ $inj == ok ]] && bash "$LAB_DIR/fault.sh" --symptom "$f"; then sym=ok; fi
  read -r pb target comp node <<<"$(lab_expectation "$f")" || true
  if [[ -n ${pb:-} ]]; then
    expect="$comp@$node"
    if [[ $built != *" $pb "* ]]; then
      verdict="skipped (playbook not built)"
    else
      live=$(run_playbook live "$pb" "$target" "$f")
      # The offline run reads only the committed sos archives: it goes on while the fault heals.
      run_playbook offline "$pb" "$target" "$f" > "$out_dir/$f.offline.top" &
      offline_pid=$!
    fi
  fi
  if bash "$LAB_DIR/fault.sh" --heal "$f"; then heal=ok; fi
  if [[ -n ${offline_pid:-} ]]; then
    wait "$offline_pid" || true
    offline=$(<"$out_dir/$f.offline.top") offline_pid=
    lv=${live%% *} ov=PASS
    [[ $lv == "$expect" ]] && lv=PASS || lv=MISS
    # A fault the cloud repairs before anyone can look (not-live.tsv) is judged offline only.
    if grep -q "^$f"$'\t' "$LAB_DIR/not-live.tsv"; then lv=not-live; fi
    [[ ${offline%% *} == "$expect" ]] || ov=MISS
    [[ $offline == "no sos capture" ]] && ov="no-sos"
    # A cause sos cannot hold (sos-cannot-show.tsv) is no miss offline: the live run is the test.
    if [[ $ov == MISS ]] && grep -q "^$f"$'\t' "$LAB_DIR/sos-cannot-show.tsv"; then ov="sos-blind"; fi
    verdict="live $lv, offline $ov"
    [[ $lv != MISS && $ov != MISS ]] || ok=0
  fi
  [[ $inj/$sym/$heal == ok/ok/ok ]] || ok=0
  ((ok)) && passed=$((passed + 1)) || failed=$((failed + 1))
  rows+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%ss' "$f" "${pb:--}" "$inj/$sym/$heal" "$live" "$offline" "$expect" "$verdict" $((SECONDS - ft)))")
done

{
  printf '%s\n' "lab suite $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git -C "$repo" rev-parse --short HEAD), ${#faults[@]} faults in $((SECONDS - t0))s"
  {
  printf 'fault\tplaybook\tinject/symptom/heal\tlive top (component@node conf rc)\toffline top (from fixtures/lab/<fault>/sos)\texpected\tpass\ttime\n'
  printf '%s\n' "${rows[@]}"
  } | column -t -s $'\t'
} | tee "$LAB_DIR/last-suite.txt"
echo "details: $out_dir/<fault>.{live,offline}.{cmd,json,err}"
# The plain closing line CI reads: a fault passes when it injected, showed its symptom and healed, and
# its playbook named the expected top suspect live and (where there is a sos capture) offline.
echo "lab: $passed passed, $failed failed"
((failed == 0))
