#!/usr/bin/env bash
# Scheduled maintenance window (operations guide, Maintenance Windows §1).
#   scheduled_maintenance.sh --yes [--upgrade-packages]
# Stops the service, so it asks for --yes. Differences from the guide: the cache is cleared of
# THIS application's keys only (the guide's FLUSHALL empties every database of the Redis server);
# health is polled instead of `sleep 30`; package upgrades only with --upgrade-packages. On the
# embedded database (no DATABASE_URL) the service is stopped before the backup, which needs its files.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

yes=no
upgrade=no
for a in "$@"; do
  case "$a" in
    --yes) yes=yes ;;
    --upgrade-packages) upgrade=yes ;;
    *) echo "usage: $0 --yes [--upgrade-packages]" >&2; exit 2 ;;
  esac
done
if [ "$yes" != yes ]; then
  echo "This stops $SERVICE_UNIT for maintenance. Run again with --yes." >&2
  exit 2
fi

header "Scheduled Maintenance Window"

step "1. Pre-maintenance System Check:"
service_status
show_json "$HEALTH_URL" || true

if [ -z "${DATABASE_URL:-}" ] && embedded_db_owner; then
  # The embedded database's files are read only with the service stopped (it owns them): stop it first.
  step "2. Stopping Services (first: the embedded database is backed up with the service stopped):"
  if ! service_stop; then
    echo "Could not stop $SERVICE_UNIT: maintenance aborted, nothing was backed up." >&2
    exit 1
  fi
  step "3. Creating Maintenance Backup:"
  if ! oe ops backup --dir "$BACKUP_DIR"; then
    echo "Backup failed: maintenance aborted; starting $SERVICE_UNIT again." >&2
    service_start || true
    exit 1
  fi
else
  step "2. Creating Maintenance Backup:"
  if ! oe ops backup --dir "$BACKUP_DIR"; then
    echo "Backup failed: maintenance aborted before anything was stopped." >&2
    exit 1
  fi

  step "3. Stopping Services:"
  check "stop" service_stop
fi

step "4. Performing Maintenance:"
if [ "$upgrade" = yes ]; then
  check "apt upgrade" as_root bash -c 'apt-get update && apt-get upgrade -y'
else
  echo "(package upgrade skipped: pass --upgrade-packages)"
fi
check "db maintenance" oe ops db-maintenance --full
if [ -f /etc/logrotate.d/options-engine ] && have logrotate; then
  check "logrotate" as_root logrotate -f /etc/logrotate.d/options-engine
fi
check "clear cache" clear_app_cache

step "5. Restarting Services:"
check "start" service_start

step "6. Post-maintenance Verification:"
check "healthy" wait_healthy 60
check "health-check" oe ops health-check

finish "Maintenance"
