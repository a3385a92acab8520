#!/usr/bin/env bash
# Weekly performance review (operations guide, Weekly Operations §1).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

header "Weekly Performance Review"
echo "Week of: $(date -d '7 days ago' +'%Y-%m-%d' 2>/dev/null || date -v-7d +'%Y-%m-%d') to $(date +'%Y-%m-%d')"

step "Performance Report:"
check "performance report" oe ops performance-report --days 7

step "Database Maintenance:"
# ANALYZE + VACUUM (ANALYZE) + REINDEX of our schema, with table statistics before and after.
check "db maintenance" oe ops db-maintenance

step "Cache Optimization:"
# Replaces `redis-cli FLUSHEXPIRED` (no such command) and `MEMORY USAGE options_engine:*` (one key only).
check "cache maintenance" oe ops cache-maintenance

step "Log Rotation:"
if [ -f /etc/logrotate.d/options-engine ] && have logrotate; then
  check "logrotate" as_root logrotate -f /etc/logrotate.d/options-engine
else
  echo "(no /etc/logrotate.d/options-engine here: see deploy/ for the logrotate file)"
fi

step "Backup Verification:"
if [ -d "$BACKUP_DIR" ]; then
  ls -la "$BACKUP_DIR" | tail -7
  latest=$(ls -1 "$BACKUP_DIR"/db_backup_*.dump 2>/dev/null | tail -1 || true)
  if [ -n "$latest" ] && have pg_restore; then
    list_toc() { pg_restore --list "$latest" | sed -n 1,20p; }
    check "pg_restore --list" list_toc
  fi
else
  echo "(no backups in $BACKUP_DIR)"
  FAILURES+=("no backup directory $BACKUP_DIR")
fi

finish "Weekly Performance Review"
