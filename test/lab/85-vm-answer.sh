#!/usr/bin/env bash
# Stage 85: make vm-web-1 answer ssh through compute-0's br-int (see vm-answer.sh).
exec bash "$(dirname "$0")/vm-answer.sh"
