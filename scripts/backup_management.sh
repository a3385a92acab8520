#!/usr/bin/env bash
# Backup management (operations guide, Monthly Operations §2): full database backup, configuration
# tarball, retention (30 days), verification — all done and verified by `ops backup`.
# Corrections: the dump is custom format (pg_dump -Fc), because the guide's plain .sql cannot be
# read by `pg_restore --list`; retention removes only this tool's backup files. The embedded database
# (no DATABASE_URL) is backed up with the service stopped: under systemd it is stopped for the backup and
# started again; without systemd only the configuration is backed up and the step fails (lib/common.sh).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

header "Backup Management"

step "Creating Full Backup (database + configuration, retention, verification):"
check "ops backup" ops_backup

step "Backup Verification:"
latest=$(ls -1 "$BACKUP_DIR"/db_backup_*.dump 2>/dev/null | tail -1 || true)
if [ -n "$latest" ] && have pg_restore; then
  pg_restore --list "$latest" | sed -n 1,20p
else
  ls -la "$BACKUP_DIR" | tail -5
fi

finish "Backup Management"
