#!/usr/bin/env bash
# Morning health check (operations guide, Daily Operations §1). Exit 0 when every check passes.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

header "Options Trading Engine Health Check"

step "1. System Status:"
service_status

step "2. Resource Usage:"
# The guide's `free -h | awk '{… $3/$2*100 …}'` divides strings like "1.2Gi"; these are numbers.
if have top; then echo "CPU: $(top -bn1 | awk '/^%?Cpu/ && !done {print 100 - $8; done = 1}')% busy"; fi
if have free; then free -m | awk '/^Mem/ {printf "Memory: %d/%d MB (%.1f%%)\n", $3, $2, 100 * $3 / $2}'; fi
df -h / | awk 'NR==2 {print "Disk: " $3 "/" $2 " (" $5 ")"}'

step "3. Application Health:"
check "health endpoint" show_json "$HEALTH_URL"

step "4. Database, cache, recent errors, resources:"
check "ops health-check" oe ops health-check --no-service --no-providers

step "5. API Status:"
check "API connections" oe ops test-api-connections

step "6. Recent Errors:"
if [ -r "$LOG_DIR/error.log" ]; then tail -20 "$LOG_DIR/error.log"; else echo "(no $LOG_DIR/error.log)"; fi

finish "Health Check"
