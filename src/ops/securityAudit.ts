/**
 * `ops security-audit`: what the guide's audit checks, for this service. Failed API
 * authentications (HTTP 401/403 from providers) in the service's own logs; permissions of the
 * configuration (600: it may hold keys) and of the code (not group/world writable — the guide's
 * `-not -perm 644` also flags every executable and directory); certificate expiry when a
 * certificate is given (read with node:crypto, no openssl needed); and secrets found verbatim in
 * log files (must be none — the secret itself is never printed, only where and how often).
 * Host-level checks of the guide (auth.log, ufw, syslog) need root and stay in
 * scripts/security_audit.sh.
 */
import { X509Certificate } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { logFiles, readLogEntries } from './logFiles.js';
import { section, textTable } from './text.js';

export type Severity = 'ok' | 'warning' | 'error';

export interface AuditFinding {
  check: string;
  severity: Severity;
  detail: string;
}

export interface SecurityAuditReport {
  checkedAt: string;
  findings: AuditFinding[];
  failedAuth: { count: number; byProvider: Record<string, number> };
  certificate: { path: string; notAfter: string; daysLeft: number } | null;
  worst: Severity;
}

export interface SecurityAuditOptions {
  logDir: string;
  /** Override configuration directory (OPTIONS_ENGINE_CONFIG_DIR); null when only shipped defaults. */
  configDir: string | null;
  /** Installed code (dist/, bin/). */
  codeDirs: string[];
  certPath?: string | null;
  /** Raw secret values to look for (config/secrets.ts secretValues). */
  secrets: readonly string[];
  hours?: number;
  now?: number;
}

const AUTH_RE =
  /\b(401|403)\b|unauthori[sz]ed|forbidden|auth(entication)? failed|invalid (api )?key|AUTH FAILED/i;
const PROVIDER_RE = /\b(tradier|yahoo|fred|quiver)\b/i;

function walkFiles(dir: string, out: string[] = [], depth = 0): string[] {
  if (!existsSync(dir) || depth > 8) return out;
  for (const n of readdirSync(dir)) {
    if (n === 'node_modules' || n.startsWith('.')) continue;
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) walkFiles(p, out, depth + 1);
    else out.push(p);
  }
  return out;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/** Counts of each secret (by index) in one file, read line by line. */
async function secretHits(file: string, secrets: readonly string[]): Promise<number> {
  let hits = 0;
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) for (const s of secrets) if (line.includes(s)) hits++;
  return hits;
}

export async function securityAudit(o: SecurityAuditOptions): Promise<SecurityAuditReport> {
  const now = o.now ?? Date.now();
  const findings: AuditFinding[] = [];

  const { entries } = await readLogEntries(logFiles(o.logDir), now - (o.hours ?? 24 * 7) * 3_600_000);
  const byProvider: Record<string, number> = {};
  let authCount = 0;
  for (const e of entries) {
    if (e.level === 'INFO' || e.level === 'DEBUG' || !AUTH_RE.test(e.message)) continue;
    authCount++;
    const p = (PROVIDER_RE.exec(`${e.component} ${e.message}`)?.[1] ?? 'other').toLowerCase();
    byProvider[p] = (byProvider[p] ?? 0) + 1;
  }
  findings.push({
    check: 'failed_api_auth',
    severity: authCount > 0 ? 'warning' : 'ok',
    detail:
      authCount > 0
        ? `${authCount} failed authentication(s) in the logs: ${Object.entries(byProvider)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} — check the API keys`
        : 'no 401/403 from providers in the logs',
  });

  if (o.configDir && existsSync(o.configDir)) {
    const bad = walkFiles(o.configDir)
      .filter((f) => /\.(ya?ml|env)$/.test(f))
      .filter((f) => (statSync(f).mode & 0o077) !== 0);
    findings.push({
      check: 'config_permissions',
      severity: bad.length ? 'error' : 'ok',
      detail: bad.length
        ? `readable by group/others (want 600): ${bad.map((f) => `${f} (${octal(statSync(f).mode)})`).join(', ')}`
        : `configuration files in ${o.configDir} are 600`,
    });
  } else {
    findings.push({
      check: 'config_permissions',
      severity: 'ok',
      detail: 'no override configuration directory',
    });
  }

  const writable = o.codeDirs.flatMap((d) => walkFiles(d)).filter((f) => (statSync(f).mode & 0o022) !== 0);
  findings.push({
    check: 'code_permissions',
    severity: writable.length ? 'error' : 'ok',
    detail: writable.length
      ? `group/world-writable code: ${writable
          .slice(0, 10)
          .map((f) => `${f} (${octal(statSync(f).mode)})`)
          .join(', ')}${writable.length > 10 ? ` and ${writable.length - 10} more` : ''}`
      : `no group/world-writable file under ${o.codeDirs.join(', ')}`,
  });

  let certificate: SecurityAuditReport['certificate'] = null;
  if (o.certPath) {
    if (!existsSync(o.certPath)) {
      findings.push({ check: 'certificate', severity: 'warning', detail: `${o.certPath} does not exist` });
    } else {
      try {
        const cert = new X509Certificate(readFileSync(o.certPath));
        const notAfter = Date.parse(cert.validTo);
        const daysLeft = Math.floor((notAfter - now) / 86_400_000);
        certificate = { path: o.certPath, notAfter: new Date(notAfter).toISOString(), daysLeft };
        findings.push({
          check: 'certificate',
          severity: daysLeft < 0 ? 'error' : daysLeft < 30 ? 'warning' : 'ok',
          detail: `${o.certPath} expires ${certificate.notAfter.slice(0, 10)} (${daysLeft} days)`,
        });
      } catch (e) {
        findings.push({
          check: 'certificate',
          severity: 'error',
          detail: `${o.certPath} is not a readable PEM certificate: ${(e as Error).message}`,
        });
      }
    }
  } else {
    findings.push({ check: 'certificate', severity: 'ok', detail: 'no certificate configured (--cert)' });
  }

  const secrets = o.secrets.filter((s) => s.length >= 4);
  const leaks: string[] = [];
  for (const f of [...logFiles(o.logDir, 'app.log'), ...logFiles(o.logDir, 'error.log')]) {
    const n = secrets.length ? await secretHits(f, secrets) : 0;
    if (n > 0) leaks.push(`${f} (${n} line(s))`);
  }
  findings.push({
    check: 'secrets_in_logs',
    severity: leaks.length ? 'error' : 'ok',
    detail: leaks.length
      ? `configured secrets appear verbatim in: ${leaks.join(', ')} — rotate those keys and purge the files`
      : secrets.length
        ? `none of ${secrets.length} configured secret(s) appears in the logs`
        : 'no secrets configured',
  });

  const worst: Severity = findings.some((f) => f.severity === 'error')
    ? 'error'
    : findings.some((f) => f.severity === 'warning')
      ? 'warning'
      : 'ok';
  return {
    checkedAt: new Date(now).toISOString(),
    findings,
    failedAuth: { count: authCount, byProvider },
    certificate,
    worst,
  };
}

export function renderSecurityAudit(r: SecurityAuditReport): string {
  return [
    section(
      'Security audit',
      textTable(
        ['Check', 'Result', 'Detail'],
        r.findings.map((f) => [f.check, f.severity.toUpperCase(), f.detail]),
      ),
    ),
    `Overall: ${r.worst.toUpperCase()}\n`,
  ].join('\n');
}
