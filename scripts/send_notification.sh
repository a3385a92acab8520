#!/usr/bin/env bash
# Notification channels (operations guide, Alerting and Notifications §2):
#   send_notification.sh "<name>" "<body>"   send "Options Engine Alert: <name>" + body by email and Slack
#   send_notification.sh --test              send a test message through every configured channel
#
# The guide pipes into `mail` and curls $SLACK_WEBHOOK_URL by hand; here both go through the engine's
# own notifiers, configured exactly like the service's alerts (ALERT_EMAIL_ENABLED, ALERT_EMAIL_FROM,
# ALERT_EMAIL_TO, ALERT_SMTP_SERVER/PORT/USERNAME/PASSWORD/TLS, SLACK_WEBHOOK_URL), so a message that
# arrives proves the service's alerts will too. No `mail`/MTA is needed on the host. Exit 1 when a
# channel failed or none is configured.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

if [ "${1:-}" = "--test" ]; then
  oe ops alerts --test
  exit
fi
if [ $# -lt 1 ] || [ -z "$1" ]; then
  echo "usage: $0 \"<alert name>\" \"<body>\"   |   $0 --test" >&2
  exit 2
fi
oe ops alerts --send "$1" --message "${2:-}"
