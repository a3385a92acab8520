#!/usr/bin/env bash
# Disaster recovery (operations guide, Disaster Recovery §1–2).
#   disaster_recovery.sh backup                              database + config (ops backup), app and logs tarballs
#   disaster_recovery.sh restore full|database|config <stamp|latest> --yes
# Restores go through `ops restore`: our schema replaced from the custom-format dump in one transaction (or
# the embedded data dir), previous state kept aside, every table checked against the manifest.
# A backup of the embedded database stops a running service for its duration (ops_backup, lib/common.sh).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

APP_DIR=${APP_DIR:-/opt/options_engine}

case "${1:-}" in
  backup)
    header "Comprehensive Backup"
    check "database + config" ops_backup
    stamp=$(date -u +%Y%m%d_%H%M%S)
    umask 077 # the tarballs are private like the rest of the backup directory (the config may hold secrets)
    if [ -d "$APP_DIR" ]; then
      check "app tarball" tar -czf "$BACKUP_DIR/app_backup_$stamp.tar.gz" -C "$APP_DIR" .
    else
      echo "(no $APP_DIR: the application is reinstalled from its package, not restored)"
    fi
    if [ -d "$LOG_DIR" ]; then
      check "log tarball" tar -czf "$BACKUP_DIR/log_backup_$stamp.tar.gz" -C "$LOG_DIR" .
    fi
    echo "Backup verification:"
    ls -la "$BACKUP_DIR" | tail -8
    finish "Backup"
    ;;
  restore)
    kind=${2:-}
    stamp=${3:-}
    if [ -z "$kind" ] || [ -z "$stamp" ]; then
      echo "usage: $0 restore full|database|config <stamp|latest> --yes" >&2
      exit 2
    fi
    header "System Recovery Procedure ($kind from $stamp)"
    if [ "${4:-}" != --yes ]; then
      # Let ops restore say exactly what would be overwritten, and refuse.
      oe ops restore "$kind" "$stamp" --dir "$BACKUP_DIR"
      exit 2
    fi
    service_stop || echo "(service not stopped: make sure nothing writes during the restore)"
    rc=0
    oe ops restore "$kind" "$stamp" --dir "$BACKUP_DIR" --yes || rc=$?
    if [ "$rc" -ne 0 ]; then
      echo "Restore failed (exit $rc); the service stays stopped." >&2
      exit "$rc"
    fi
    check "start" service_start
    check "healthy" wait_healthy 60
    finish "Recovery"
    ;;
  *)
    echo "usage: $0 backup | restore full|database|config <stamp|latest> --yes" >&2
    exit 2
    ;;
esac
