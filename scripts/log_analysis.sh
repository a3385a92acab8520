#!/usr/bin/env bash
# Log analysis (operations guide, Daily Operations §3): errors grouped and counted, slow/timeout/
# memory warnings, API errors, database errors over the last N hours (default 24).
# The guide's `grep "$(date -d '24 hours ago' +%Y-%m-%d)"` only matched yesterday's date; the
# command below uses a real time window.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

hours=${1:-24}
header "Log Analysis (last $hours hours, $LOG_DIR)"
oe ops log-analysis --hours "$hours" --log-dir "$LOG_DIR"
