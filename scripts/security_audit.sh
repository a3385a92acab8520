#!/usr/bin/env bash
# Security audit (operations guide, Weekly Operations §2). Host checks that need root or tools
# absent here say so and go on; the service's own checks are in `ops security-audit`.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

header "Security Audit"

step "Failed Login Attempts:"
if [ -r /var/log/auth.log ]; then
  grep -c "Failed password" /var/log/auth.log || true
elif have journalctl && journalctl -q -n 1 >/dev/null 2>&1; then
  journalctl -q --since '7 days ago' _COMM=sshd 2>/dev/null | grep -c "Failed password" || true
else
  echo "(no readable /var/log/auth.log or journal: run as root on the host)"
fi

step "Firewall Status:"
if have ufw; then
  as_root ufw status || echo "(ufw status needs root)"
else
  echo "(ufw is not installed here)"
fi

step "SSL Certificate Status:"
CERT_PATH=${CERT_PATH:-/etc/ssl/certs/options-engine.pem}
if [ -f "$CERT_PATH" ]; then
  if have openssl; then openssl x509 -in "$CERT_PATH" -noout -enddate; fi
else
  echo "(no certificate at $CERT_PATH; set CERT_PATH)"
fi

step "Service audit (failed API auth, permissions, certificate, secrets in logs):"
cert_args=()
if [ -f "$CERT_PATH" ]; then cert_args=(--cert "$CERT_PATH"); fi
check "ops security-audit" oe ops security-audit --log-dir "$LOG_DIR" "${cert_args[@]}"

step "Suspicious Activity:"
if [ -r /var/log/syslog ]; then
  grep -i "suspicious\|attack\|intrusion" /var/log/syslog | tail -10 || true
else
  echo "(no readable /var/log/syslog)"
fi

finish "Security Audit"
