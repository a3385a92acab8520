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
# curl prints its -w timing even when it never connected (DNS failure, refused, timeout: http_code 000),
# so the round trip is reported only when curl succeeded; otherwise the host is unreachable and the
# runbook fails. NETWORK_CHECK_HOSTS (host or host:port, space-separated) replaces the API hosts.
https_round_trip() {
  local host=$1 out rc=0
  out=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "https://$host/" 2>/dev/null) || rc=$?
  if [ "$rc" -ne 0 ] || [ "${out%% *}" = 000 ]; then
    echo "$host: unreachable (curl exit $rc)"
    return 1
  fi
  echo "$host: ${out#* } s (HTTPS round trip, HTTP ${out%% *})"
}
read -r -a network_hosts <<<"${NETWORK_CHECK_HOSTS:-api.tradier.com finance.yahoo.com}"
for host in "${network_hosts[@]}"; do
  if have curl; then
    check "network $host" https_round_trip "$host"
  elif have ping; then
    check "network $host" ping -c 5 "$host"
  else
    echo "$host: neither curl nor ping is installed"
  fi
done

step "Provider calls (last 24 h):"
check "performance report" oe ops performance-report --days 1

finish "Performance Monitoring"
