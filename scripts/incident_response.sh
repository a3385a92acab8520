#!/usr/bin/env bash
# Incident response (operations guide, Incident Response §1–3).
#   incident_response.sh critical      stop the service, collect evidence, check the database, health
#   incident_response.sh performance   resources, slow queries, provider latency, cache, restart
#   incident_response.sh data-quality  integrity, provider data (SYMBOLS=SPY), discrepancies (SYMBOL: default the newest stored)
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

kind=${1:-}
case "$kind" in
  critical)
    header "EMERGENCY RESPONSE: Critical System Failure"
    step "1. Stopping affected services:"
    check "stop service" service_stop
    step "2. Checking system resources:"
    if have free; then free -h; fi
    df -h
    # [o]ptions: the bracket keeps grep itself out of the list.
    ps aux | grep -i "[o]ptions" | sed -n 1,10p || true
    step "3. Checking recent logs:"
    if [ -r "$LOG_DIR/error.log" ]; then tail -50 "$LOG_DIR/error.log"; else echo "(no $LOG_DIR/error.log)"; fi
    step "4. Database status:"
    if [ -n "${DATABASE_URL:-}" ] && have pg_isready; then
      pg_connection # the URL without its password: `ps` shows pg_isready's arguments
      check "pg_isready" with_pg_password pg_isready -d "$PG_URL"
    elif systemd_usable; then
      systemctl status postgresql --no-pager || true
    else
      echo "(embedded database: checked by the health check below)"
    fi
    step "5. Recovery: what is failing now"
    check "health-check" oe ops health-check --no-service
    echo "Next: fix the failing check, then start the service (systemctl start $SERVICE_UNIT) or restore:"
    echo "      scripts/disaster_recovery.sh restore database latest --yes"
    ;;
  performance)
    header "Performance Degradation Response"
    step "1. Resource Analysis:"
    if have top; then top -bn1 | sed -n 1,20p; fi
    if have iostat; then iostat -x 1 3; else echo "(iostat is not installed: apt-get install sysstat)"; fi
    step "2. Database Performance (pg_stat_statements; its columns are total_exec_time/mean_exec_time since PostgreSQL 13):"
    slow_queries() {
      db_psql -c "SELECT query, calls, total_exec_time, mean_exec_time, rows FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 10;" \
        || echo "(pg_stat_statements is not installed in this database)"
    }
    slow_queries
    step "3. API Response Times:"
    check "metrics endpoint" show_json "$METRICS_URL" '.api_response_times'
    check "performance report" oe ops performance-report --days 1
    step "4. Optimization Actions:"
    # Not `redis-cli FLUSHEXPIRED` (no such command): report the cache and drop our keys without TTL.
    check "cache maintenance" oe ops cache-maintenance
    if [ "${RESTART:-no}" = yes ]; then
      check "stop" service_stop
      check "start" service_start
      check "healthy" wait_healthy 60
    else
      echo "(set RESTART=yes to restart the service by its unit)"
    fi
    ;;
  data-quality)
    header "Data Quality Issue Response"
    step "1. Data Integrity Check:"
    check "integrity" oe ops validate-data-integrity
    step "2. API Data Validation:"
    check "api data" oe ops validate-api-data --symbols "${SYMBOLS:-SPY}"
    step "3. Data Discrepancy Analysis:"
    # without SYMBOL: the newest stored snapshot's ticker (only traded tickers are stored by default)
    check "discrepancies" oe ops analyze-data-discrepancies ${SYMBOL:+--symbol "$SYMBOL"}
    step "4. Data Correction:"
    echo "Quarantine what the checks above list; restore from a verified backup if stored data is wrong:"
    echo "  scripts/disaster_recovery.sh restore database <stamp> --yes"
    ;;
  *)
    echo "usage: $0 critical|performance|data-quality" >&2
    exit 2
    ;;
esac

finish "Incident Response ($kind)"
