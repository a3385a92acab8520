/**
 * `ops security-audit`: what the guide's audit checks, for this service. Failed authentications
 * in the service's own logs (`app.log` and its rotations, gzipped ones too): provider calls the
 * service logged with `outcome=auth` (401/403, and FRED's 400 for a bad key) and any line with a
 * `status=401`/`status=403` field (the service's API refusing a bearer token) — fields, never a
 * bare number, so `ms=403` is no failed login; permissions of every regular file in the
 * configuration directory, dotfiles included (600: `environment`, `.env`, the YAML files may hold
 * keys), and of the code (not group/world writable — the guide's `-not -perm 644` also flags every
 * executable and directory); certificate expiry when a certificate is given (read with
 * node:crypto, no openssl needed); and secrets found verbatim in any file of the log directory,
 * compressed rotations (`app.log.2.gz`) read through gunzip (must be none — the secret itself is
 * never printed, only where and how often).
 * Host-level checks of the guide (auth.log, ufw, syslog) need root and stay in
 * scripts/security_audit.sh.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type LogEntry, logFileLines, logFiles, readLogEntries } from './logFiles.js';
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

/** Free-text signs of a refused key, for lines without structured `outcome=`/`status=` fields. */
const AUTH_TEXT_RE =
  /unauthori[sz]ed|forbidden|auth(entication)? failed|invalid (api |access |bearer )?(key|token)|AUTH FAILED/i;
const PROVIDER_RE = /\b(tradier|yahoo|fred|quiver)\b/i;
/** A `key=value` field of a log line (logLine.ts writes them after the message, space-separated). */
const field = (message: string, key: string): string | undefined =>
  new RegExp(`(?:^|\\s)${key}=("[^"]*"|\\S+)`).exec(message)?.[1];

/**
 * Whether the entry records a failed authentication, and whose: the provider of a call logged with
 * `outcome=auth` (serviceProviders.ts onCall) or with a `status=401|403` field, `api_token` for a
 * 401/403 of the service's own API (no provider field); without those fields, the free-text signs
 * on a WARNING-or-worse line.
 */
export function failedAuthOf(e: Pick<LogEntry, 'level' | 'component' | 'message'>): string | null {
  const outcome = field(e.message, 'outcome');
  const status = field(e.message, 'status') ?? field(e.message, 'statusCode');
  const provider = field(e.message, 'provider')?.replace(/"/g, '').toLowerCase();
  const structured = outcome !== undefined || status !== undefined;
  const auth = structured
    ? outcome === 'auth' || status === '401' || status === '403'
    : !['TRACE', 'DEBUG', 'INFO'].includes(e.level) && AUTH_TEXT_RE.test(e.message);
  if (!auth) return null;
  if (provider) return provider;
  const named = PROVIDER_RE.exec(`${e.component} ${e.message}`)?.[1];
  if (named) return named.toLowerCase();
  return status === '401' || status === '403' ? 'api_token' : 'other';
}

/** Every regular file under `dir` (symlinks followed, unreadable entries skipped). */
function walkFiles(dir: string, opts: { dotfiles?: boolean } = {}, out: string[] = [], depth = 0): string[] {
  if (!existsSync(dir) || depth > 8) return out;
  for (const n of readdirSync(dir)) {
    if (n === 'node_modules' || (!opts.dotfiles && n.startsWith('.'))) continue;
    const p = join(dir, n);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      continue; // dangling symlink, removed meanwhile
    }
    if (st.isDirectory()) walkFiles(p, opts, out, depth + 1);
    else if (st.isFile()) out.push(p);
  }
  return out;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/** Lines holding any of the secrets in one file. */
async function secretHits(file: string, secrets: readonly string[]): Promise<number> {
  let hits = 0;
  for await (const line of logFileLines(file)) for (const s of secrets) if (line.includes(s)) hits++;
  return hits;
}

export async function securityAudit(o: SecurityAuditOptions): Promise<SecurityAuditReport> {
  const now = o.now ?? Date.now();
  const findings: AuditFinding[] = [];

  const since = now - (o.hours ?? 24 * 7) * 3_600_000;
  const { entries } = await readLogEntries(logFiles(o.logDir), since); // gzipped rotations included
  const byProvider: Record<string, number> = {};
  let authCount = 0;
  for (const e of entries) {
    const p = failedAuthOf(e);
    if (p === null) continue;
    authCount++;
    byProvider[p] = (byProvider[p] ?? 0) + 1;
  }
  findings.push({
    check: 'failed_api_auth',
    severity: authCount > 0 ? 'warning' : 'ok',
    detail:
      authCount > 0
        ? `${authCount} failed authentication(s) in the logs: ${Object.entries(byProvider)
            .map(([k, v]) => `${k} ${v}`)
            .join(
              ', ',
            )} — check the API keys${byProvider.api_token ? ' (api_token: requests refused by this service’s bearer token check)' : ''}`
        : 'no failed authentication in the logs (provider calls with outcome=auth, status=401/403)',
  });

  if (o.configDir && existsSync(o.configDir)) {
    // Every regular file, dotfiles included: `environment` (the units' EnvironmentFile) and `.env`
    // hold the keys as much as the YAML files do.
    const bad = walkFiles(o.configDir, { dotfiles: true }).filter((f) => (statSync(f).mode & 0o077) !== 0);
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
  const unreadable: string[] = [];
  // Every file of the log directory: app.log, error.log, their rotations, compressed ones through gunzip.
  for (const f of secrets.length ? walkFiles(o.logDir, { dotfiles: true }).sort() : []) {
    try {
      const n = await secretHits(f, secrets);
      if (n > 0) leaks.push(`${f} (${n} line(s))`);
    } catch (e) {
      unreadable.push(`${basename(f)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  if (unreadable.length)
    findings.push({
      check: 'secrets_in_logs_unreadable',
      severity: 'warning',
      detail: `could not read, not searched: ${unreadable.join(', ')}`,
    });
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
