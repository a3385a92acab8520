#!/usr/bin/env bash
# Performance monitoring (operations guide, Daily Operations §2).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

header "Performance Monitoring"

step "Application Metrics:"
check "metrics endpoint" show_json "$METRICS_URL" '.performance'

step "Database Performance:"
# The guide selects `tablename`, which pg_stat_user_tables does not have (it is `relname`).
check "pg_stat_user_tables" db_psql -c "
SELECT schemaname, relname AS tablename, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch
  FROM pg_stat_user_tables ORDER BY seq_tup_read DESC LIMIT 10;"

step "Cache Performance:"
redis_stats() { rcli info stats | grep -E '(keyspace_hits|keyspace_misses|Redis|REDIS)' || true; }
check "redis stats" redis_stats

step "Network Performance:"
# ICMP is often filtered in front of the API hosts; an HTTPS round trip is what the engine sees.
for host in api.tradier.com finance.yahoo.com; do
  if have curl; then
    t=$(curl -s -o /dev/null -m 5 -w '%{time_total}' "https://$host/" 2>/dev/null || true)
    echo "$host: ${t:-unreachable} s (HTTPS round trip)"
  elif have ping; then
    ping -c 5 "$host" || echo "$host: no ping answer"
  fi
done

step "Provider calls (last 24 h):"
check "performance report" oe ops performance-report --days 1

finish "Performance Monitoring"
