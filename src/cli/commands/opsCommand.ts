/**
 * `options-engine ops …`: every procedure of the operations guide as a command. Each subcommand
 * prints a readable report (or `--json`) and exits 0 when all is well, 1 when it found problems
 * or failed, 2 for bad usage or configuration (health-check: 0 pass, 1 warn, 2 fail).
 */
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CONFIG_DIR, type LoadedConfig } from '../../config/loadConfig.js';
import { maskUrlPassword, secretValues } from '../../config/secrets.js';
import { buildProviders } from '../../market/providerFactory.js';
import {
  alertsReport,
  renderAlerts,
  renderTestNotifications,
  sendTestNotifications,
} from '../../ops/alerts/alertsReport.js';
import { type AlertRuleDef, alertRules } from '../../ops/alerts/rules.js';
import { compareContracts, renderDiscrepancies } from '../../ops/analyzeDataDiscrepancies.js';
import { backup, renderBackup } from '../../ops/backup.js';
import { businessMetrics, renderBusinessMetrics } from '../../ops/businessMetrics.js';
import { cacheMaintenance, renderCacheMaintenance } from '../../ops/cacheMaintenance.js';
import { capacityPlanning, renderCapacity } from '../../ops/capacityPlanning.js';
import { chainContracts, latestStoredContracts, latestStoredUnderlying } from '../../ops/contractQuotes.js';
import { dataRetention, renderDataRetention } from '../../ops/dataRetention.js';
import { dbMaintenance, type MaintenanceStep, renderDbMaintenance } from '../../ops/dbMaintenance.js';
import { healthCheck, renderHealth } from '../../ops/healthCheck.js';
import { logAnalysis, renderLogAnalysis } from '../../ops/logAnalysis.js';
import { healthUrl, isServedEmbedded, withDatabase } from '../../ops/opsContext.js';
import { performanceReport, renderPerformanceReport } from '../../ops/performanceReport.js';
import { cpuLoadPercent, resourceSample } from '../../ops/resourceSample.js';
import { renderResourceReport, resourceUtilizationReport } from '../../ops/resourceUtilizationReport.js';
import { type RestoreKind, RestoreRefusedError, renderRestore, restore } from '../../ops/restore.js';
import { renderSecurityAudit, securityAudit } from '../../ops/securityAudit.js';
import { renderApiConnections, testApiConnections } from '../../ops/testApiConnections.js';
import { renderBaselineUpdate, updatePerformanceBaselines } from '../../ops/updatePerformanceBaselines.js';
import { renderApiData, validateApiData } from '../../ops/validateApiData.js';
import { renderIntegrity, validateDataIntegrity } from '../../ops/validateDataIntegrity.js';
import { instanceName } from '../../service/instanceName.js';
import { RedisCache } from '../../store/cache/redisCache.js';
import { databaseInfo } from '../../store/maintenance.js';
import { loadForCommand, prepareDir } from '../context.js';
import { type CliIo, UsageError } from '../io.js';
import {
  parseExistingFile,
  parseInteger,
  parsePath,
  parseSymbol,
  parseSymbolList,
  withCommonOptions,
} from '../options.js';
import { requireSubcommand } from './requireSubcommand.js';

type Opts = Record<string, unknown>;

/** Problems found: the report was printed; exit 1 with a one-line summary on stderr. */
export class OpsFindingsError extends Error {
  override name = 'OpsFindingsError';
}

/** Prints the report as JSON or text. */
function emit<T>(io: CliIo, opts: Opts, report: T, render: (r: T) => string): void {
  io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
}

/** Exit 1 with `summary` unless `ok`. */
function verdict(ok: boolean, summary: string): void {
  if (!ok) throw new OpsFindingsError(summary);
}

/** Upper bound of the count flags (--hours, --limit, --warn-days …). */
const MAX_COUNT = 1_000_000;

/** An integer flag from 1 to `max`. */
function positive(name: string, v: unknown, fallback: number, max = MAX_COUNT, unit = ''): number {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name}: expected a whole number from 1 to ${max}${unit}, got ${String(v)}`);
  return n;
}

/**
 * Upper bound of --days, the window the reports read back from now: 100 years, so that its start stays a date
 * PostgreSQL and PGlite take. A million days (the old bound) started before year 1 — `time zone displacement out
 * of range: "-000711-01-09T…"` — and 740 000 days failed with `date/time field value out of range`.
 */
export const MAX_DAYS = 36_500;

/** The --days of a report: a whole number of days from 1 to MAX_DAYS. */
function daysFlag(v: unknown, fallback: number): number {
  return positive('days', v, fallback, MAX_DAYS, ' (100 years)');
}

/** The configuration directory that holds this site's settings (null when only shipped defaults). */
function siteConfigDir(opts: Opts, io: CliIo): string | null {
  const d = typeof opts.configDir === 'string' ? opts.configDir : io.env.OPTIONS_ENGINE_CONFIG_DIR;
  return d ? resolve(d) : null;
}

/**
 * The alert rules on the host's resources exactly as the service's evaluator reads monitoring.yaml
 * (`alertRules()`): enabled rules only, each on its `metric:` (default: its key) with its
 * `comparison`, several rules on one metric each kept (e.g. a warning and a critical level).
 */
const resourceRules = (cfg: LoadedConfig): AlertRuleDef[] =>
  alertRules(cfg.monitoring).filter(
    (r) => r.metric === 'cpu_usage' || r.metric === 'memory_usage' || r.metric === 'disk_usage',
  );

/** The lowest `above` threshold of the enabled disk_usage rules: the first disk alert to fire. */
function diskThreshold(cfg: LoadedConfig): number | undefined {
  const t = resourceRules(cfg)
    .filter((r) => r.metric === 'disk_usage' && r.comparison === 'above')
    .map((r) => r.threshold);
  return t.length ? Math.min(...t) : undefined;
}

function leaf(name: string, description: string): Command {
  return withCommonOptions(new Command(name))
    .description(description)
    .option('--json', 'print JSON instead of text');
}

/**
 * The --url of `ops health-check`: an http(s) URL without credentials (the service's /health takes none; a
 * password there would be printed in the report). Refused as bad usage, the value shown with its password
 * masked — commander's own parser error would echo it.
 */
export function healthCheckUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url: not a URL: ${maskUrlPassword(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url: expected an http:// or https:// URL, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '')
    throw new UsageError(`--url: must not carry credentials (${maskUrlPassword(value)}); /health needs none`);
  return value;
}

export function opsCommand(io: CliIo): Command {
  const ops = new Command('ops').description('operational commands of the operations guide');
  const act = (fn: (opts: Opts, cfg: LoadedConfig, cmd: Command) => Promise<void>) =>
    async function (this: Command, ...args: unknown[]) {
      const cmd = args[args.length - 1] as Command;
      const opts = cmd.opts() as Opts;
      await fn(opts, loadForCommand(opts, io), cmd);
    };

  ops.addCommand(
    leaf(
      'test-api-connections',
      'each configured provider: reachable, latency, key accepted, rate-limit headroom',
    )
      .option('--timeout <ms>', 'per-request timeout, ms', parseInteger)
      .action(
        act(async (opts, { settings }) => {
          const r = await testApiConnections(settings, {
            timeoutMs: opts.timeout === undefined ? undefined : positive('timeout', opts.timeout, 1),
          });
          emit(io, opts, r, renderApiConnections);
          verdict(r.healthy, 'test-api-connections: a provider in use is unreachable or refused its key');
        }),
      ),
  );

  ops.addCommand(
    leaf('performance-report', 'scans, stage durations, provider latency/errors, cache and HTTP vs baseline')
      .option('--days <n>', `days to cover (at most ${MAX_DAYS})`, parseInteger, 7)
      .action(
        act(async (opts, { settings }) => {
          const days = daysFlag(opts.days, 7);
          const r = await withDatabase(settings, (db) => performanceReport(db, { days }));
          emit(io, opts, r, renderPerformanceReport);
          verdict(
            r.regressions === 0,
            `performance-report: ${r.regressions} metric(s) regressed against the baseline`,
          );
        }),
      ),
  );

  ops.addCommand(
    leaf('update-performance-baselines', 'recompute the baselines from the last 30 days and store them')
      .option('--days <n>', `window, days (at most ${MAX_DAYS})`, parseInteger, 30)
      .option('--dry-run', 'show the new values without storing them')
      .action(
        act(async (opts, { settings }) => {
          const days = daysFlag(opts.days, 30);
          const r = await withDatabase(settings, (db) =>
            updatePerformanceBaselines(db, { days, dryRun: opts.dryRun === true }),
          );
          emit(io, opts, r, renderBaselineUpdate);
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'resource-utilization-report',
      'CPU, memory, disk, DB and directory sizes over time, with projections',
    )
      .option('--days <n>', `days to cover (at most ${MAX_DAYS})`, parseInteger, 30)
      .option(
        '--warn-days <n>',
        'flag metrics projected to reach their threshold within this many days',
        parseInteger,
        30,
      )
      .action(
        act(async (opts, cfg) => {
          const days = daysFlag(opts.days, 30);
          const rules = resourceRules(cfg);
          const r = await withDatabase(cfg.settings, (db) =>
            resourceUtilizationReport(db, {
              days,
              rules,
              warnDays: positive('warn-days', opts.warnDays, 30),
            }),
          );
          emit(io, opts, r, renderResourceReport);
          verdict(r.atRisk.length === 0, `resource-utilization-report: at risk: ${r.atRisk.join(', ')}`);
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'validate-data-integrity',
      'orphans, duplicates, legs vs stored quotes, stuck scans, impossible values',
    )
      .option(
        '--stuck-minutes <n>',
        'a scan "running" longer than this is stuck (default 2 × scan timeout)',
        parseInteger,
      )
      .action(
        act(async (opts, { settings }) => {
          const stuck = opts.stuckMinutes ?? Math.ceil((2 * settings.execution.scan_timeout_seconds) / 60);
          const r = await withDatabase(settings, (db) =>
            validateDataIntegrity(db, { stuckAfterMinutes: positive('stuck-minutes', stuck, 10) }),
          );
          emit(io, opts, r, renderIntegrity);
          verdict(r.ok, `validate-data-integrity: ${r.problems} problem(s) found`);
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'validate-api-data',
      'fetch a sample from each provider: schema, freshness, bid ≤ ask, parity, greeks',
    )
      .option('--symbols <list>', 'symbols to sample', parseSymbolList, ['SPY'])
      .action(
        act(async (opts, { settings }) => {
          const set = buildProviders(settings.providers, settings.api);
          try {
            const r = await validateApiData([set.primary, ...(set.fallback ? [set.fallback] : [])], {
              symbols: opts.symbols as string[],
              asOf: Date.now(),
              maxQuoteAgeSeconds: settings.constraints.max_quote_age_seconds,
            });
            emit(io, opts, r, renderApiData);
            verdict(r.ok, 'validate-api-data: provider data failed checks');
          } finally {
            await set.close();
          }
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'analyze-data-discrepancies',
      'compare the same contracts across two sources (stored vs fresh, or primary vs fallback)',
    )
      .option(
        '--symbol <ticker>',
        'underlying to compare (with --compare stored, default: that of the newest stored snapshot)',
        parseSymbol,
      )
      .addOption(
        new Option(
          '--compare <sources>',
          'stored = last stored snapshot vs the primary now; providers = primary vs fallback',
        )
          .choices(['stored', 'providers'])
          .default('stored'),
      )
      .action(
        act(async (opts, { settings }) => {
          if (opts.symbol === undefined && opts.compare === 'providers')
            throw new UsageError('--compare providers: --symbol is required');
          const symbol =
            (opts.symbol as string | undefined) ??
            (await withDatabase(settings, latestStoredUnderlying)) ??
            (() => {
              throw new OpsFindingsError(
                'analyze-data-discrepancies: no option snapshot is stored yet (run a scan first), nothing to compare',
              );
            })();
          const set = buildProviders(settings.providers, settings.api);
          try {
            const ctx = { asOf: Date.now() };
            const listed = async (p: typeof set.primary) => {
              if (!p.getExpirations || !p.getChain) throw new Error(`${p.name} serves no option chains`);
              return p.getExpirations(symbol, ctx);
            };
            const fresh = async (p: typeof set.primary, exps: string[]) => {
              if (!p.getChain) throw new Error(`${p.name} serves no option chains`);
              const chain = exps.length ? await p.getChain(symbol, exps, ctx) : null;
              return { name: p.name, contracts: chain ? chainContracts(chain) : [] };
            };
            let a: { name: string; contracts: ReturnType<typeof chainContracts> };
            let b: { name: string; contracts: ReturnType<typeof chainContracts> };
            let why = '';
            if (opts.compare === 'providers') {
              if (!set.fallback) throw new UsageError('--compare providers: no fallback provider configured');
              // The same (nearest) expirations from both, so that the contracts can match.
              const fallback = set.fallback;
              const theirs = fallback.getExpirations
                ? new Set(await fallback.getExpirations(symbol, ctx))
                : null;
              const exps = (await listed(set.primary)).filter((e) => !theirs || theirs.has(e)).slice(0, 3);
              if (exps.length === 0)
                why = ` (${set.primary.name} and ${fallback.name} list no expiration in common)`;
              a = await fresh(fallback, exps);
              b = await fresh(set.primary, exps);
            } else {
              const stored = await withDatabase(settings, (db) => latestStoredContracts(db, symbol));
              if (!stored)
                throw new OpsFindingsError(`analyze-data-discrepancies: no stored snapshot of ${symbol}`);
              a = {
                name: `stored ${stored.source} ${stored.snapshotAt.toISOString()}`,
                contracts: stored.contracts,
              };
              // The snapshot's own expirations (the collector's DTE window), those the primary still lists.
              const storedExps = [...new Set(stored.contracts.map((c) => c.expiration))].sort();
              const current = new Set(await listed(set.primary));
              const exps = storedExps.filter((e) => current.has(e));
              if (exps.length === 0)
                why = ` (${set.primary.name} no longer lists any of the snapshot's expirations ${storedExps.join(', ')}; store a newer snapshot)`;
              b = await fresh(set.primary, exps);
            }
            const r = compareContracts(symbol, a, b, { carryForward: opts.compare !== 'providers' });
            emit(io, opts, r, (x) => renderDiscrepancies([x]));
            verdict(
              r.ok,
              r.matched === 0
                ? `analyze-data-discrepancies: no contract of ${symbol} in both ${r.sourceA} and ${r.sourceB}: nothing was compared${why}`
                : `analyze-data-discrepancies: ${r.discrepancies.length} difference(s) beyond tolerance`,
            );
          } finally {
            await set.close();
          }
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'business-metrics',
      'recommendations per day, "Fewer than N" scans, averages, mix, realized outcomes',
    )
      .option('--days <n>', `days to cover (at most ${MAX_DAYS})`, parseInteger, 30)
      .action(
        act(async (opts, { settings }) => {
          const days = daysFlag(opts.days, 30);
          const r = await withDatabase(settings, (db) => businessMetrics(db, { days }));
          emit(io, opts, r, renderBusinessMetrics);
        }),
      ),
  );

  ops.addCommand(
    leaf('backup', 'pg_dump -Fc (or the PGlite data dir), config tarball, retention, verification')
      .option('--dir <dir>', 'backup directory (default: settings backup.dir)', parsePath)
      .addOption(new Option('--only <what>', 'back up only this').choices(['database', 'config']))
      .action(
        act(async (opts, cfg) => {
          const { settings } = cfg;
          // --dir (flag), BACKUP_DIR or backup.dir: created (0700) and write-probed before any work, so that a
          // regular file or an unwritable directory is bad usage naming its source — not EEXIST / EACCES after the dump
          prepareDir(cfg, 'backup.dir', 0o700);
          const dir = settings.backup.dir;
          const only = opts.only as 'database' | 'config' | undefined;
          const r = await withDatabase(settings, async (db) => {
            // only the database needs its files: the configuration is backed up beside a running service
            if (only !== 'config' && isServedEmbedded(settings, db))
              throw new OpsFindingsError(
                'backup: the embedded database is owned by the running service; stop it (systemctl stop options-engine) and run the backup again (--only config needs no stop)',
              );
            return backup(db, {
              dir,
              url: settings.database.url,
              configDir: siteConfigDir(opts, io),
              retentionDays: settings.backup.retention_days,
              dataDir: settings.database.data_dir,
              only,
            });
          });
          emit(io, opts, r, renderBackup);
          verdict(r.verification.ok, `backup: verification failed: ${r.verification.problems.join('; ')}`);
        }),
      ),
  );

  ops.addCommand(
    leaf('restore', 'restore full|database|config from a backup stamp (YYYYMMDD_HHMMSS) or "latest"')
      .argument('<kind>', 'full | database | config')
      .argument('<stamp>', 'backup stamp YYYYMMDD_HHMMSS, or latest')
      .option('--dir <dir>', 'backup directory (default: settings backup.dir)', parsePath)
      .option('--yes', 'really overwrite the database / configuration')
      .action(async (kind: string, stamp: string, _o: unknown, cmd: Command) => {
        const opts = cmd.opts() as Opts;
        if (!['full', 'database', 'config'].includes(kind))
          throw new UsageError(`restore: kind must be full, database or config, got ${JSON.stringify(kind)}`);
        const { settings } = loadForCommand(opts, io);
        try {
          const r = await restore(kind as RestoreKind, {
            dir: typeof opts.dir === 'string' ? opts.dir : settings.backup.dir,
            stamp,
            yes: opts.yes === true,
            url: settings.database.url,
            dataDir: settings.database.data_dir,
            configDir: siteConfigDir(opts, io),
            verify: (fn) => withDatabase(settings, fn),
          });
          emit(io, opts, r, renderRestore);
          verdict(
            r.differences.length === 0,
            `restore: ${r.differences.length} table(s) differ from the backup`,
          );
        } catch (e) {
          if (e instanceof RestoreRefusedError) throw new UsageError(e.message);
          throw e;
        }
      }),
  );

  ops.addCommand(
    leaf(
      'db-maintenance',
      'retention (old option partitions), ANALYZE, VACUUM (ANALYZE), REINDEX with table statistics before and after',
    )
      .option('--full', 'VACUUM FULL (locks each table: maintenance window only)')
      .option('--no-reindex', 'skip REINDEX')
      .action(
        act(async (opts, { settings }) => {
          const steps: MaintenanceStep[] = ['analyze', opts.full ? 'vacuum_full' : 'vacuum'];
          if (opts.reindex !== false) steps.push('reindex');
          const r = await withDatabase(settings, async (db) => {
            const retention = await dataRetention(db, {
              optionsRetentionDays: settings.database.options_retention_days,
              telemetryRetentionDays: settings.database.telemetry_retention_days,
            });
            return { retention, ...(await dbMaintenance(db, { steps })) };
          });
          emit(io, opts, r, (x) => renderDataRetention(x.retention) + renderDbMaintenance(x));
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'cache-maintenance',
      'keyspace hits/misses, count and memory of our keys (SCAN), remove keys without TTL',
    )
      .option('--dry-run', 'report only, remove nothing')
      .action(
        act(async (opts, { settings }) => {
          const r = await cacheMaintenance({
            redisUrl: settings.cache.redis_url,
            prefix: settings.cache.key_prefix,
            dryRun: opts.dryRun === true,
          });
          emit(io, opts, r, renderCacheMaintenance);
        }),
      ),
  );

  ops.addCommand(
    leaf('log-analysis', 'errors grouped and counted, slow/timeout/memory warnings, API and database errors')
      .option('--hours <n>', 'hours to cover', parseInteger, 24)
      .action(
        act(async (opts, { settings }) => {
          const hours = positive('hours', opts.hours, 24);
          const r = await logAnalysis(settings.logging.dir, { hours });
          emit(io, opts, r, renderLogAnalysis);
          // as health-check's recent_errors: no app.log is a warning, so is any ERROR/CRITICAL entry
          const errors = r.errors.reduce((a, g) => a + g.count, 0);
          verdict(
            r.files.length > 0 && errors === 0,
            r.files.length === 0
              ? `log-analysis: no app.log in ${r.dir}`
              : `log-analysis: ${errors} error(s) in the last ${hours} h`,
          );
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'security-audit',
      'failed API auth in logs, config/code permissions, certificate expiry, secrets in logs',
    )
      .option('--cert <path>', 'TLS certificate (PEM) whose expiry to check', parseExistingFile)
      .option('--hours <n>', 'hours of logs to search for failed authentications', parseInteger, 168)
      .action(
        act(async (opts, { settings }) => {
          const root = resolve(DEFAULT_CONFIG_DIR, '..');
          const r = await securityAudit({
            logDir: settings.logging.dir,
            configDir: siteConfigDir(opts, io),
            codeDirs: [resolve(root, 'dist'), resolve(root, 'bin')],
            certPath: typeof opts.cert === 'string' ? opts.cert : null,
            secrets: secretValues(settings),
            hours: positive('hours', opts.hours, 168),
          });
          emit(io, opts, r, renderSecurityAudit);
          verdict(r.worst !== 'error', 'security-audit: problems found');
        }),
      ),
  );

  ops.addCommand(
    leaf('capacity-planning', 'sizes of log/data/backup dirs and of every table, growth trend')
      .option('--days <n>', `days of samples for the trend (at most ${MAX_DAYS})`, parseInteger, 90)
      .option(
        '--warn-days <n>',
        'flag sizes projected to reach the disk threshold within this many days',
        parseInteger,
        30,
      )
      .option('--record', "store today's sizes in metrics_samples (run monthly to build the trend)")
      .action(
        act(async (opts, cfg) => {
          const s = cfg.settings;
          const days = daysFlag(opts.days, 90);
          const warnDays = positive('warn-days', opts.warnDays, 30);
          const r = await withDatabase(s, (db) =>
            capacityPlanning(db, {
              logDir: s.logging.dir,
              dataDir: s.database.data_dir,
              backupDir: s.backup.dir,
              days,
              diskThreshold: diskThreshold(cfg),
              warnDays,
              record: opts.record === true,
            }),
          );
          emit(io, opts, r, renderCapacity);
          // the rule of resource-utilization-report: exit 1 when a metric is at risk
          verdict(r.atRisk.length === 0, `capacity-planning: at risk: ${r.atRisk.join(', ')}`);
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'health-check',
      'the morning routine: service, database, cache, providers, errors, resources (exit 0/1/2 = pass/warn/fail)',
    )
      .option('--url <url>', 'health endpoint (default: the configured port on loopback)')
      .option('--no-service', 'skip the service endpoint (CLI-only installation)')
      .option('--no-providers', 'skip the provider check')
      .action(
        act(async (opts, cfg) => {
          const s = cfg.settings;
          const r = await healthCheck({
            serviceUrl:
              opts.service === false
                ? null
                : typeof opts.url === 'string'
                  ? healthCheckUrl(opts.url)
                  : healthUrl(s.monitoring),
            // one attempt: with the start-up retries a refused connection read "no answer within 10000 ms"
            database: () =>
              withDatabase({ database: { ...s.database, connect_retries: 0 } }, async (db) => {
                const info = await databaseInfo(db);
                return `${info.serverVersion}, ${db.location}, ${Math.round(info.sizeBytes / 1048576)} MB`;
              }),
            cache: s.cache.redis_url
              ? async () => {
                  const redis = new RedisCache({
                    url: s.cache.redis_url as string,
                    prefix: s.cache.key_prefix,
                    defaultTtlSeconds: 1,
                  });
                  try {
                    if (!(await redis.waitReady(2000)))
                      throw new Error(`Redis ${redis.location} unreachable`);
                    return `Redis ${redis.location}: ${await redis.client.ping()}`;
                  } finally {
                    await redis.close();
                  }
                }
              : null,
            providers: opts.providers === false ? undefined : () => testApiConnections(s),
            logDir: s.logging.dir,
            resources: () =>
              resourceSample(
                { logDir: s.logging.dir, dataDir: s.database.data_dir, backupDir: s.backup.dir },
                null,
              ),
            resourceRules: resourceRules(cfg),
            cpuOver: cpuLoadPercent,
            timeoutMs: 10_000,
          });
          emit(io, opts, r, renderHealth);
          if (r.status === 'fail') {
            io.stderr('options-engine: health-check: FAIL\n');
            throw new CommanderError(2, 'ops.health.fail', 'health-check: fail');
          }
          verdict(r.status === 'pass', 'health-check: WARN');
        }),
      ),
  );

  ops.addCommand(
    leaf(
      'alerts',
      'alert rules, channels, alerts firing now and recently resolved; --test sends a test message',
    )
      .addOption(
        new Option(
          '--test',
          'send a test notification through every configured channel (email, Slack)',
        ).conflicts('send'),
      )
      .option('--send <name>', 'send "Options Engine Alert: <name>" with --message through every channel')
      .option('--message <text>', 'the body of --send (required with it)')
      .option('--days <n>', `resolved alerts of the last n days (at most ${MAX_DAYS})`, parseInteger, 7)
      .option('--limit <n>', 'at most n alerts per list', parseInteger, 100)
      .action(
        act(async (opts, cfg) => {
          const sending = opts.send !== undefined;
          if (opts.message !== undefined && !sending)
            throw new UsageError('--message: only with --send <name>');
          // (commander refuses --test with --send: `option '--test' cannot be used with option '--send <name>'`)
          if (opts.test || sending) {
            const instance = instanceName(cfg.settings);
            const name = String(opts.send ?? '').trim();
            if (sending && !name) throw new UsageError('--send: the alert name is empty');
            // an empty body (`--message ''`, what send_notification.sh passes without one) is the caller's choice;
            // no --message at all is a forgotten one
            if (sending && opts.message === undefined)
              throw new UsageError('--send: --message <text> is required (the body of the message)');
            const r = await sendTestNotifications(cfg.settings.alerts, instance, {
              manual: sending ? { name, body: String(opts.message) } : undefined,
            });
            emit(io, opts, r, renderTestNotifications);
            const flag = sending ? 'alerts --send' : 'alerts --test';
            verdict(
              r.ok,
              r.channels.length
                ? `${flag}: ${r.channels
                    .filter((c) => !c.ok)
                    .map((c) => c.channel)
                    .join(', ')} failed`
                : `${flag}: no notification channel configured`,
            );
            return;
          }
          const days = daysFlag(opts.days, 7);
          const limit = positive('limit', opts.limit, 100);
          const r = await withDatabase(cfg.settings, (db) => alertsReport(db, cfg, { days, limit }));
          emit(io, opts, r, renderAlerts);
          verdict(r.firing.length === 0, `alerts: ${r.firing.length} alert(s) firing`);
        }),
      ),
  );

  requireSubcommand(ops, io);
  return ops;
}
