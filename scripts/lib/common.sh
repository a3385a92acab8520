# Shared helpers of the runbooks in scripts/. Sourced, not run:  . "$(dirname "$0")/lib/common.sh"
# Pipes into `head` are avoided: with pipefail, the writer's SIGPIPE (exit 141) would fail the step;
# `sed -n 1,Np` reads to the end.
#
# Environment (all optional):
#   OPTIONS_ENGINE_BIN      how to run the CLI (default: options-engine; may be "node dist/cli/main.js")
#   SERVICE_UNIT            systemd unit (default: options-engine)
#   OPTIONS_ENGINE_PID_FILE pid file of a service run without systemd (stop/start fallback)
#   LOG_DIR, BACKUP_DIR     as the service uses them (defaults: the guide's /var/log, /var/backups paths)
#   DATABASE_URL, REDIS_URL when set, psql / redis-cli steps run against them; otherwise they say why not
#                           (without DATABASE_URL psql reaches the embedded database through the port the
#                           running service serves it on, read from <data dir>/pglite.lock).
#   DATA_DIR                the embedded database's data dir (default: the configured database.data_dir)
#                           A password in them reaches psql / redis-cli in PGPASSWORD / REDISCLI_AUTH, never
#                           on the command line (where `ps` shows it to every user of the host).
#   PORT / HEALTH_URL / METRICS_URL  the service's endpoints (default http://127.0.0.1:8080/…)

LOG_DIR=${LOG_DIR:-/var/log/options_engine}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/options_engine}
SERVICE_UNIT=${SERVICE_UNIT:-options-engine}
HEALTH_URL=${HEALTH_URL:-http://127.0.0.1:${PORT:-8080}/health}
METRICS_URL=${METRICS_URL:-http://127.0.0.1:${PORT:-8080}/metrics}
export LOG_DIR BACKUP_DIR
read -r -a OE_CMD <<<"${OPTIONS_ENGINE_BIN:-options-engine}"

# Checks that failed; runbooks print them at the end and exit 1 when there are any.
FAILURES=()

have() { command -v "$1" >/dev/null 2>&1; }

# options-engine …
oe() { "${OE_CMD[@]}" "$@"; }

header() {
  echo "=== $1 ==="
  echo "Timestamp: $(date)"
  echo ""
}

step() { printf '\n%s\n' "$1"; }

# check NAME CMD… : runs CMD; a non-zero exit is recorded, the runbook goes on.
check() {
  local name=$1 rc=0
  shift
  "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then FAILURES+=("$name (exit $rc)"); fi
  return 0
}

# Prints the recorded failures; returns 1 when there were any.
finish() {
  echo ""
  if [ "${#FAILURES[@]}" -eq 0 ]; then
    echo "=== $1: all checks passed ($(date)) ==="
    return 0
  fi
  echo "=== $1: ${#FAILURES[@]} check(s) need attention ($(date)) ==="
  printf '  - %s\n' "${FAILURES[@]}"
  return 1
}

# Runs as root: directly when root, through sudo when available, else says what it needed.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif have sudo; then
    sudo -n "$@"
  else
    echo "needs root (no sudo here): $*" >&2
    return 1
  fi
}

# systemd runs on this host (a container may have systemctl without systemd).
systemd_usable() { have systemctl && [ -d /run/systemd/system ]; }

service_status() {
  if systemd_usable; then
    systemctl status "$SERVICE_UNIT" --no-pager || true
  elif [ -n "${OPTIONS_ENGINE_PID_FILE:-}" ] && [ -f "$OPTIONS_ENGINE_PID_FILE" ]; then
    local pid
    pid=$(cat "$OPTIONS_ENGINE_PID_FILE")
    if kill -0 "$pid" 2>/dev/null; then echo "running as pid $pid (no systemd)"; else echo "not running (stale pid file $OPTIONS_ENGINE_PID_FILE)"; fi
  else
    echo "systemd is not available here and OPTIONS_ENGINE_PID_FILE is not set: see the health endpoint below"
  fi
}

# Stops the service by its unit, or by the pid in OPTIONS_ENGINE_PID_FILE (TERM, then wait) — never by name.
service_stop() {
  if systemd_usable; then
    as_root systemctl stop "$SERVICE_UNIT"
  elif [ -n "${OPTIONS_ENGINE_PID_FILE:-}" ] && [ -f "$OPTIONS_ENGINE_PID_FILE" ]; then
    local pid i
    pid=$(cat "$OPTIONS_ENGINE_PID_FILE")
    kill -TERM "$pid" 2>/dev/null || { echo "pid $pid is not running"; return 0; }
    for i in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || { echo "stopped pid $pid"; return 0; }
      sleep 1
    done
    echo "pid $pid did not stop within 30 s after SIGTERM; investigate before killing it" >&2
    return 1
  else
    echo "cannot stop the service: no systemd and no OPTIONS_ENGINE_PID_FILE" >&2
    return 1
  fi
}

service_start() {
  if systemd_usable; then
    as_root systemctl start "$SERVICE_UNIT"
  else
    echo "no systemd here: start the service yourself (options-engine serve)" >&2
    return 1
  fi
}

# Polls the health endpoint until it answers or `$1` seconds pass (instead of the guide's sleep 30).
wait_healthy() {
  local limit=${1:-60} i
  have curl || { echo "curl is not installed: cannot poll $HEALTH_URL"; return 1; }
  for i in $(seq 1 "$limit"); do
    if curl -fsS -m 2 "$HEALTH_URL" >/dev/null 2>&1; then
      echo "healthy after ${i} s"
      return 0
    fi
    sleep 1
  done
  echo "no healthy answer from $HEALTH_URL within ${limit} s" >&2
  return 1
}

# GET a service endpoint and pretty-print it (jq filter optional).
show_json() {
  local url=$1 filter=${2:-.}
  have curl || { echo "curl is not installed"; return 0; }
  local body
  if ! body=$(curl -fsS -m 5 "$url" 2>&1); then
    echo "$url: no answer ($body)"
    return 1
  fi
  if have jq; then jq "$filter" <<<"$body"; else echo "$body"; fi
}

# Percent-decodes $2 into the variable named $1 (%40 → @, as libpq and redis-cli decode URLs); a '%'
# without two hex digits after it stays as it is.
percent_decode() {
  local s=$2 out='' c
  while [[ $s == *%* ]]; do
    out+=${s%%\%*} s=${s#*%}
    if [[ $s =~ ^[0-9A-Fa-f]{2} ]]; then
      printf -v c "\\x${s:0:2}"
      out+=$c s=${s:2}
    else
      out+=%
    fi
  done
  printf -v "$1" '%s' "$out$s"
}

# Splits DATABASE_URL as libpq reads a URI (the user info ends at the first '@' before any '/'; a
# `password` query parameter overrides it): PG_URL is the URL without its password, PG_PASSWORD the
# decoded password (empty when there is none). A key=value connection string is left as it is.
pg_connection() {
  local url=$DATABASE_URL scheme rest userinfo query param kept=() params=()
  PG_URL=$url PG_PASSWORD=
  case $url in *://*) ;; *) return 0 ;; esac
  scheme=${url%%://*} rest=${url#*://}
  userinfo=${rest%%[@/]*}
  if [ "${rest:${#userinfo}:1}" = @ ] && [[ $userinfo == *:* ]]; then
    percent_decode PG_PASSWORD "${userinfo#*:}"
    userinfo=${userinfo%%:*}
    rest=${userinfo:+$userinfo@}${rest#*@}
  fi
  if [[ $rest == *\?* ]]; then
    query=${rest#*\?} rest=${rest%%\?*}
    IFS='&' read -r -a params <<<"$query"
    for param in "${params[@]}"; do
      if [[ $param == password=* ]]; then percent_decode PG_PASSWORD "${param#password=}"; else kept+=("$param"); fi
    done
    if [ "${#kept[@]}" -gt 0 ]; then rest+="?$(IFS='&' && printf '%s' "${kept[*]}")"; fi
  fi
  PG_URL="$scheme://$rest"
}

# Runs CMD… (psql, pg_isready) against PG_URL with the password in PGPASSWORD. Call pg_connection first.
with_pg_password() {
  (
    if [ -n "$PG_PASSWORD" ]; then export PGPASSWORD=$PG_PASSWORD; fi
    "$@"
  )
}

# The embedded database's data dir: DATA_DIR, else database.data_dir as the CLI reads the configuration
# (asked once; relative to the current directory, as for the CLI).
embedded_data_dir() {
  if [ -z "${EMBEDDED_DATA_DIR:-}" ]; then
    EMBEDDED_DATA_DIR=${DATA_DIR:-}
    if [ -z "$EMBEDDED_DATA_DIR" ]; then
      EMBEDDED_DATA_DIR=$(oe config check --json 2>/dev/null | sed -n 's/^ *"data_dir": "\(.*\)",\{0,1\}$/\1/p') || true
    fi
  fi
  [ -n "$EMBEDDED_DATA_DIR" ]
}

# Whether a live process of this host (the running service) owns the embedded database, per the lock file
# of its data dir: sets EMBEDDED_PID, and EMBEDDED_URL to the loopback URL it serves the database on
# (postgres://postgres@127.0.0.1:<database.embedded_socket_port>/postgres; empty when it serves none).
embedded_db_owner() {
  local rec host
  EMBEDDED_PID='' EMBEDDED_URL=''
  embedded_data_dir && [ -f "$EMBEDDED_DATA_DIR/pglite.lock" ] || return 1
  rec=$(cat "$EMBEDDED_DATA_DIR/pglite.lock" 2>/dev/null) || return 1
  [[ $rec =~ \"host\":\"([^\"]*)\",\"since\" ]] && [ "${BASH_REMATCH[1]}" = "$(uname -n)" ] || return 1
  [[ $rec =~ \"pid\":([0-9]+) ]] || return 1
  kill -0 "${BASH_REMATCH[1]}" 2>/dev/null || [ -d "/proc/${BASH_REMATCH[1]}" ] || return 1
  EMBEDDED_PID=${BASH_REMATCH[1]}
  if [[ $rec =~ \"socket\":\{\"host\":\"([^\"]+)\",\"port\":([0-9]+)\} ]]; then
    host=${BASH_REMATCH[1]}
    if [[ $host == *:* ]]; then host="[$host]"; fi
    EMBEDDED_URL="postgres://postgres@$host:${BASH_REMATCH[2]}/postgres"
  fi
}

# psql against DATABASE_URL, else against the embedded database the running service serves on loopback;
# says why not when neither is there (embedded PGlite, service stopped) or psql is missing.
db_psql() {
  have psql || { echo "(psql is not installed)"; return 0; }
  if [ -z "${DATABASE_URL:-}" ]; then
    if embedded_db_owner && [ -n "$EMBEDDED_URL" ]; then
      psql "$EMBEDDED_URL" -X -q -v ON_ERROR_STOP=1 "$@"
      return
    fi
    echo "(no DATABASE_URL: the embedded PGlite database is reached through options-engine ops only)"
    return 0
  fi
  pg_connection
  with_pg_password psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 "$@"
}

# `ops backup --dir $BACKUP_DIR` (database + configuration). Without DATABASE_URL a running service owns
# the embedded database's files, which are read only with it stopped: under systemd the service is stopped
# for the backup and started again (and polled until healthy); without systemd this runbook could not start
# it again, so only the configuration is backed up and the step fails saying what to do.
ops_backup() {
  if [ -n "${DATABASE_URL:-}" ] || ! embedded_db_owner; then
    oe ops backup --dir "$BACKUP_DIR"
    return
  fi
  local rc=0 why='without systemd this runbook could not start it again'
  if systemd_usable; then
    echo "The embedded database is owned by the running service: stopping $SERVICE_UNIT for the backup."
    service_stop && why='' || why="$SERVICE_UNIT did not stop"
  fi
  if [ -n "$why" ]; then
    echo "The embedded database is owned by the running service (pid $EMBEDDED_PID) and is backed up only" \
      "with the service stopped ($why): backing up the configuration only. Stop the service, run" \
      "\`options-engine ops backup\`, start it again (or run scheduled_maintenance.sh --yes)." >&2
    oe ops backup --dir "$BACKUP_DIR" --only config || true
    return 1
  fi
  oe ops backup --dir "$BACKUP_DIR" || rc=$?
  echo "Starting $SERVICE_UNIT again."
  service_start || rc=1
  wait_healthy 60 || rc=1
  return "$rc"
}

# Splits REDIS_URL as redis-cli -u reads it (user info up to the first '@': "user:password", or the password
# alone when there is no ':'): REDIS_CLI_ARGS are the redis-cli arguments for the URL without its user info
# (and --user USER when it names one), REDIS_PASSWORD the decoded password (empty when there is none).
redis_connection() {
  local url=$REDIS_URL scheme rest userinfo user
  REDIS_CLI_ARGS=(-u "$url") REDIS_PASSWORD=
  case $url in *://*@*) ;; *) return 0 ;; esac
  scheme=${url%%://*} rest=${url#*://}
  userinfo=${rest%%@*} rest=${rest#*@}
  REDIS_CLI_ARGS=(-u "$scheme://$rest")
  if [[ $userinfo == *:* ]]; then
    percent_decode user "${userinfo%%:*}"
    if [ -n "$user" ]; then REDIS_CLI_ARGS+=(--user "$user"); fi
    userinfo=${userinfo#*:}
  fi
  percent_decode REDIS_PASSWORD "$userinfo"
}

# Runs CMD… (redis-cli, xargs redis-cli) with the password in REDISCLI_AUTH. Call redis_connection first.
with_redis_password() {
  (
    if [ -n "$REDIS_PASSWORD" ]; then export REDISCLI_AUTH=$REDIS_PASSWORD; fi
    "$@"
  )
}

# redis-cli against REDIS_URL; says why not when the cache is in-memory or redis-cli is missing.
rcli() {
  if [ -z "${REDIS_URL:-}" ]; then
    echo "(no REDIS_URL: the cache is in the service's memory)"
    return 0
  fi
  have redis-cli || { echo "(redis-cli is not installed)"; return 0; }
  redis_connection
  with_redis_password redis-cli "${REDIS_CLI_ARGS[@]}" --no-auth-warning "$@"
}

# Deletes this application's cache keys (SCAN + UNLINK; never FLUSHALL, which empties every app's keys).
clear_app_cache() {
  [ -n "${REDIS_URL:-}" ] || { echo "(no REDIS_URL: nothing to clear)"; return 0; }
  have redis-cli || { echo "(redis-cli is not installed)"; return 0; }
  redis_connection
  rcli --scan --pattern "${CACHE_KEY_PREFIX:-options_engine:}*" |
    with_redis_password xargs -r -n 500 redis-cli "${REDIS_CLI_ARGS[@]}" --no-auth-warning unlink >/dev/null
  echo "cleared ${CACHE_KEY_PREFIX:-options_engine:}* keys"
}
