#!/usr/bin/env bash
# Monthly capacity planning (operations guide, Monthly Operations §1).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

header "Monthly Capacity Planning"

step "Storage Usage Trends:"
for d in "$LOG_DIR" "${DATA_DIR:-/var/lib/options_engine}" "$BACKUP_DIR"; do
  if [ -d "$d" ]; then du -sh "$d"; else echo "(missing) $d"; fi
done

step "Database Size Analysis:"
# format('%I.%I') quotes the names; the guide's schemaname||'.'||tablename breaks on mixed case.
check "table sizes" db_psql -c "
SELECT schemaname, tablename,
       pg_size_pretty(pg_total_relation_size(format('%I.%I', schemaname, tablename))) AS size
  FROM pg_tables
 WHERE schemaname NOT IN ('information_schema', 'pg_catalog')
 ORDER BY pg_total_relation_size(format('%I.%I', schemaname, tablename)) DESC;"

step "Capacity (sizes, tables, growth; this reading is recorded for next month's trend):"
check "capacity planning" oe ops capacity-planning --record

step "Performance Baseline Update:"
check "baselines" oe ops update-performance-baselines

step "Resource Utilization Report:"
check "resource report" oe ops resource-utilization-report --days 30

finish "Monthly Capacity Planning"
