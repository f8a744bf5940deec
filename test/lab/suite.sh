#!/usr/bin/env bash
# npm run test:lab — bring the lab up once, then for each fault: inject, bring the symptom about,
# heal, and check health. Prints a table and exits non-zero if any step failed.
# Usage: suite.sh [FAULT...]   (default: every fault in `fault.sh --list`)
# The cloudtriage playbook assertions (live over ssh and offline from sos reports) join here once
# the CLI exists: see the HOOK below.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root

faults=("$@")
((${#faults[@]})) || mapfile -t faults < <(bash "$LAB_DIR/fault.sh" --list | awk '{print $1}')
t0=$SECONDS
bash "$LAB_DIR/up.sh" || die "lab:up failed"   # up.sh brings test/lab/galera/ up too when it exists
# Galera faults come from `fault.sh --list` (it delegates to galera/fault.sh); their topology must be healthy.
if [[ -f $LAB_DIR/galera/health.sh && ${LAB_GALERA:-1} != 0 ]]; then bash "$LAB_DIR/galera/health.sh" || die "galera/health.sh: not healthy"; fi
results=()
failed=0
for f in "${faults[@]}"; do
  ft=$SECONDS inj=fail sym=fail heal=fail
  log "===== $f"
  if bash "$LAB_DIR/fault.sh" "$f"; then inj=ok; fi
  if [[ $inj == ok ]] && bash "$LAB_DIR/fault.sh" --symptom "$f"; then sym=ok; fi
  # HOOK(cloudtriage playbooks): run the matching playbook live and from `capture.sh` archives here,
  # and assert the top suspect and node.
  if bash "$LAB_DIR/fault.sh" --heal "$f"; then heal=ok; fi
  [[ $inj/$sym/$heal == ok/ok/ok ]] || failed=1
  results+=("$(printf '%-22s %-9s %-9s %-14s %4ds' "$f" "$inj" "$sym" "$heal" $((SECONDS - ft)))")
done
printf '\n%-22s %-9s %-9s %-14s %5s\n' fault injected symptom healed+healthy time
printf '%s\n' "${results[@]}"
echo "suite: ${#faults[@]} faults in $((SECONDS - t0))s"
exit $failed
