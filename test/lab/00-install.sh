#!/usr/bin/env bash
# Stage 00: install everything the lab needs from Debian bookworm, unattended.
# Idempotent: apt-get install of already-installed packages is a no-op.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# policy-rc.d must exist before installing, or invoke-rc.d would start the sysv scripts (gotcha 2).
if [[ ! -x /usr/sbin/policy-rc.d ]] || ! grep -q 'exit 101' /usr/sbin/policy-rc.d; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
fi

missing=()
for p in "${LAB_PACKAGES[@]}"; do
  grep -q 'install ok installed' <<<"$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  log "all ${#LAB_PACKAGES[@]} lab packages already installed"
  exit 0
fi
log "installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# dbconfig-common must not touch the DB; we run db_sync ourselves.
for p in keystone glance nova-common neutron-common cinder-common placement-common; do
  echo "$p $p/configure_db boolean false" | debconf-set-selections 2>/dev/null || true
done
if [[ ! -f /var/lib/apt/lists/lock ]] || [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]]; then
  apt-get update -q
fi
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
