#!/usr/bin/env bash
# Emergency maintenance (operations guide, Maintenance Windows §2).
#   emergency_maintenance.sh security|database|application --yes
# Differences from the guide: the application is stopped by its systemd unit (or the pid in
# OPTIONS_ENGINE_PID_FILE) — never `killall -9 python3`, which kills every Python process on the
# host; "database" ends the sessions of OUR database except this one (the guide's query also
# kills itself and names a database by a literal); "security" applies pending upgrades with
# unattended-upgrade when installed (there is no `security-updates` package).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

kind=${1:-}
case "$kind" in security | database | application) ;; *)
  echo "usage: $0 security|database|application --yes" >&2
  exit 2
  ;;
esac
if [ "${2:-}" != --yes ]; then
  echo "This stops $SERVICE_UNIT. Run again with --yes." >&2
  exit 2
fi

header "EMERGENCY MAINTENANCE ($kind)"

check "stop" service_stop

step "Emergency backup:"
check "backup" oe ops backup --dir "$BACKUP_DIR" --only database

step "Emergency fix:"
case "$kind" in
  security)
    if have unattended-upgrade; then
      check "security upgrades" as_root unattended-upgrade -v
    else
      check "upgrades" as_root bash -c 'apt-get update && apt-get upgrade -y'
    fi
    ;;
  database)
    check "terminate sessions" db_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid();"
    ;;
  application)
    echo "service stopped by its unit / pid above; nothing else is killed"
    ;;
esac

check "start" service_start
check "healthy" wait_healthy 60
service_status

finish "Emergency Maintenance"
