#!/usr/bin/env bash
# Stage 50: userspace Open vSwitch for controller-0 (the root namespace).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
start_ovs controller-0
log "ovs up on controller-0"
