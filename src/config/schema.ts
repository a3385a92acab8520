/**
 * The settings schema. `config/settings.yaml` holds every default; this schema holds every rule.
 * Every key is required here because the shipped file is merged underneath any override file.
 */
import { cpus } from 'node:os';
import { z } from 'zod';

/** Strategy families the engine can generate (see src/strategies/). */
export const STRATEGY_NAMES = [
  'put_credit_spread',
  'call_credit_spread',
  'iron_condor',
  'covered_call',
  'cash_secured_put',
  'call_calendar',
  'put_calendar',
  'iron_butterfly',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const fraction = z.number().min(0).max(1);
const posInt = z.int().positive();
const nonNegInt = z.int().nonnegative();
/**
 * Dollar amounts: positive and at most $1e12, beyond any account (larger values only overflow what is derived
 * from them, e.g. the max loss per trade, $ per $100k of NAV × NAV).
 */
export const MAX_DOLLARS = 1e12;
const dollars = z.number().positive().max(MAX_DOLLARS);
const nullableString = z.string().min(1).nullable();
/** A directory: blanks around it are dropped, and one of only blanks is refused as empty (as its env var is). */
const dirPath = z.string().trim().min(1);
/**
 * Upper bounds of the durations that end up in timers (or sized buffers): one day. Node timers hold at most
 * 2^31−1 ms (~24.8 days); a longer delay fires after 1 ms, so e.g. a scan timeout of 20 days killed the engine
 * at once and a long sampling interval wrote a row every millisecond.
 */
export const MAX_DURATION_SECONDS = 86_400;
const seconds = z.number().positive().max(MAX_DURATION_SECONDS);
/** Provider and webhook addresses: http(s) only (z.url() alone takes ftp:, javascript:, file: …). */
const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const ticker = z.string().regex(/^[A-Z][A-Z0-9.^-]{0,9}$/, 'must be an upper-case ticker symbol like "AAPL"');

const weights = z.strictObject({
  pop: fraction,
  iv_rank: fraction,
  momentum: fraction,
  flow: fraction,
  risk_reward: fraction,
  liquidity: fraction,
});
export type ScoringWeights = z.infer<typeof weights>;

const trading = z.strictObject({
  nav: dollars,
  available_capital: dollars,
  max_trades: z.int().min(1).max(50),
  capital_scope: z.enum(['per_trade', 'basket']),
  assume_stock_owned: z.boolean(),
  contracts_per_trade: posInt,
  sizing: z.enum(['fixed', 'kelly']),
  kelly_fraction: z.number().gt(0).max(1),
  one_trade_per_ticker: z.boolean(),
  universe: z.enum(['default']),
  /** Empty = scan `universe`. */
  watchlist: z.array(ticker),
  strategies: z.array(z.enum(STRATEGY_NAMES)).min(1),
});

const constraints = z.strictObject({
  min_pop: fraction,
  min_credit_ratio: z.number().nonnegative(),
  max_loss_per_trade: dollars,
  min_dte: nonNegInt,
  /** Listed options reach about three years (LEAPS); a larger window is a typo, not a strategy. */
  max_dte: posInt.max(1500),
  max_quote_age_seconds: z.number().positive(),
  min_open_interest: nonNegInt,
  min_volume: nonNegInt,
  max_bid_ask_pct: z.number().positive(),
  max_trades_per_sector: posInt,
  min_days_to_earnings: nonNegInt,
  portfolio: z.strictObject({
    delta_min: z.number(),
    delta_max: z.number(),
    vega_min: z.number(),
  }),
});

const strategyParams = z.strictObject({
  short_delta_min: z.number().gt(0).lt(1),
  short_delta_max: z.number().gt(0).lt(1),
  spread_widths: z.array(z.number().positive()).min(1),
  calendar_back_dte_min: posInt,
  calendar_back_dte_max: posInt,
});

const scoring = z.strictObject({
  weights,
  regime_weights: z.strictObject({ high: weights, low: weights }),
  regime_high_percentile: z.number().min(0).max(100),
  regime_low_percentile: z.number().min(0).max(100),
});

const providers = z.strictObject({
  primary: z.enum(['auto', 'tradier', 'yahoo', 'simulated']),
  fallback: z.enum(['yahoo', 'simulated', 'none']),
  tradier: z.strictObject({
    api_key: nullableString,
    sandbox: z.boolean(),
    base_url: url,
    sandbox_url: url,
    rate_limit_per_minute: z.number().positive(),
  }),
  yahoo: z.strictObject({ enabled: z.boolean(), rate_limit_per_hour: z.number().positive() }),
  fred: z.strictObject({
    api_key: nullableString,
    base_url: url,
    rate_limit_per_minute: z.number().positive(),
  }),
  quiver: z.strictObject({
    api_key: nullableString,
    base_url: url,
    rate_limit_per_minute: z.number().positive(),
  }),
  simulated: z.strictObject({ seed: z.int() }),
});

const port = z.int().min(1).max(65535);

/** `new URL()` as ioredis parses a `redis://` URL. */
function parsesAsUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** As pg-connection-string parses it: an empty host (`user@/db?host=/socket`) is allowed. */
function parsesAsPostgresUrl(text: string): URL | null {
  return parsesAsUrl(text) ?? parsesAsUrl(text.replace('@/', '@___DUMMY___/'));
}

/**
 * Why a connection URL with the right scheme will not parse. Never quotes any part of it: in a mistyped URL
 * the "port" may be the tail of a password.
 */
function urlProblem(text: string, parse: (text: string) => URL | null): string | null {
  const u = parse(text);
  if (u) return u.port === '0' ? 'must have a port from 1 to 65535' : null;
  const rest = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  // a / ? # in the user name or password ends the authority early: the "port" read then is the password's tail.
  // The user info's @ is before any query: an @ in `?application_name=ops@host` is not one.
  const beforeQuery = rest.split(/[?#]/)[0];
  const at = beforeQuery.lastIndexOf('@');
  if (at >= 0 && /[/[\]]/.test(beforeQuery.slice(0, at)))
    return 'must percent-encode / ? # [ ] @ : in its user name and password (e.g. / as %2F)';
  const authority = rest.split(/[/?#]/)[0];
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const portText = /^(?:\[[^\]]*\]|[^:]*):(.+)$/.exec(hostPort)?.[1];
  if (portText !== undefined && /^\d+$/.test(portText)) return 'must have a port from 1 to 65535';
  if (portText !== undefined) return 'must have a numeric port from 1 to 65535';
  return 'must be a valid URL';
}

/**
 * A database or cache URL: the right scheme, and parsed as the client library will parse it (`new URL()`), so
 * a bad port or host fails here, naming the variable, not later as a connection failure.
 */
function connectionUrl(
  scheme: RegExp,
  schemes: string,
  parse: (text: string) => URL | null,
  check: (u: URL) => string | null = () => null,
) {
  return z.string().superRefine((text, ctx) => {
    let problem = scheme.test(text) ? urlProblem(text, parse) : `must be ${schemes} URL`;
    const u = problem === null ? parse(text) : null;
    if (u) problem = check(u);
    if (!problem) return;
    // Quoted (its password masked) only when it starts like a URL (`x://`, or the typos `x:/`, `x//`): a libpq
    // keyword string (`host=… sslpassword=…`) or a bare word, even one with a slash — a password pasted into the
    // wrong variable — would be printed as it is, to logs and /status.
    const url = /^[a-z][a-z0-9+.-]*(:\/\/?|\/\/)/i.test(text);
    ctx.addIssue({
      code: 'invalid_format',
      format: 'url',
      message: url ? problem : `${problem} (the value is not shown: it may hold a password)`,
      input: url ? text : undefined,
    });
  });
}

/** libpq's sslmode values, and pg's `no-verify`. */
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];

/** A PostgreSQL URL's `sslmode`, checked here: a wrong one failed at connect time as "server does not support SSL". */
function postgresUrlProblem(u: URL): string | null {
  const mode = u.searchParams.get('sslmode');
  if (mode !== null && !SSL_MODES.includes(mode))
    return `sslmode must be one of ${SSL_MODES.join(', ')}, got "${mode}"`;
  return null;
}

/** A Redis URL's database (`redis://host:6379/2`): a whole number; `/abc` had ioredis SELECT NaN. */
function redisUrlProblem(u: URL): string | null {
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,5}$/.test(db))
    return `must name its database as a whole number (redis://host:6379/0), got "/${db}"`;
  return null;
}

/** zod's e-mail pattern (the one `z.email()` checks recipients with), unanchored. */
const EMAIL = `(?:${z.regexes.email.source.replace(/^\^|\$$/g, '')})`;
/** A sender as nodemailer takes it: `alerts@example.com` or `Options Engine <alerts@example.com>`. */
const sender = z
  .string()
  .regex(
    new RegExp(`^(?:${EMAIL}|[^<>]*<${EMAIL}>)$`),
    'must be an e-mail address like "alerts@example.com" or "Options Engine <alerts@example.com>"',
  );

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 1–63 characters each. */
const HOSTNAME =
  /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const ipv4 = z.ipv4();
const ipv6 = z.ipv6();

/**
 * The address the server listens on: an IPv4 or IPv6 address or a host name, refused here naming the key rather
 * than when the server binds. Digits-only labels are an IPv4 address or nothing (`999.1.1.1`).
 */
const host = z.string().superRefine((text, ctx) => {
  const ok =
    ipv4.safeParse(text).success ||
    ipv6.safeParse(text).success ||
    (HOSTNAME.test(text) && !/^[\d.]+$/.test(text));
  if (!ok) {
    ctx.addIssue({
      code: 'invalid_format',
      format: 'hostname',
      message: 'must be an IPv4 address, an IPv6 address or a host name (letters, digits, - and .)',
      input: text,
    });
  }
});

export const settingsSchema = z
  .strictObject({
    trading,
    constraints,
    strategy_params: strategyParams,
    scoring,
    execution: z.strictObject({
      /** 1 minute to a day: shorter ran scans back to back (595 in 20 s at 0.0001), longer is not a schedule. */
      interval_minutes: z.number().min(1).max(1440),
      market_hours_only: z.boolean(),
      /** The service allows this plus a grace of half of it before it kills the engine. */
      scan_timeout_seconds: seconds,
    }),
    performance: z.strictObject({
      /** `auto` resolves to min(32, cpus + 4), as in the operations guide. */
      thread_pool_size: z
        .union([z.literal('auto'), posInt])
        .transform((v) => (v === 'auto' ? Math.min(32, cpus().length + 4) : v)),
      batch_size: posInt,
    }),
    database: z.strictObject({
      url: connectionUrl(
        /^postgres(ql)?:\/\//,
        'a postgres:// or postgresql://',
        parsesAsPostgresUrl,
        postgresUrlProblem,
      ).nullable(),
      data_dir: dirPath,
      pool_size: posInt,
      pool_overflow: nonNegInt,
      statement_timeout_ms: posInt.max(MAX_DURATION_SECONDS * 1000),
      connect_retries: nonNegInt,
      embedded_socket_port: port,
      options_retention_days: posInt,
      /** Days of provider-call and metrics-sample rows kept (`ops db-maintenance` deletes older ones). */
      telemetry_retention_days: posInt,
      /** Option chains stored with each scan: `traded` tickers only, or `all` collected. */
      snapshot_scope: z.enum(['traded', 'all']),
    }),
    cache: z.strictObject({
      redis_url: connectionUrl(
        /^rediss?:\/\//,
        'a redis:// or rediss://',
        parsesAsUrl,
        redisUrlProblem,
      ).nullable(),
      default_timeout: seconds,
      threshold: posInt,
      key_prefix: z.string(),
    }),
    api: z.strictObject({
      timeout: seconds,
      retry_count: nonNegInt,
      batch_size: posInt,
      token: nullableString,
      require_token_for_reads: z.boolean(),
    }),
    providers,
    monitoring: z.strictObject({
      host,
      port,
      /** Kept in one-second buckets. */
      metrics_window_seconds: seconds,
      /** At least 1 s: the sampler's clock (shorter was sampled once a second anyway). */
      sample_interval_seconds: seconds.min(1),
    }),
    logging: z.strictObject({
      level: z.enum(LOG_LEVELS),
      dir: dirPath,
      json_stdout: z.boolean(),
      slow_threshold_ms: z.number().positive(),
    }),
    alerts: z.strictObject({
      email: z.strictObject({
        enabled: z.boolean(),
        from: sender.nullable(),
        to: z.array(z.email()),
        smtp_server: nullableString,
        smtp_port: port,
        smtp_username: nullableString,
        smtp_password: nullableString,
        smtp_tls: z.boolean(),
      }),
      slack: z.strictObject({ webhook_url: url.nullable() }),
      cooldown_minutes: z
        .number()
        .nonnegative()
        .max(MAX_DURATION_SECONDS / 60),
    }),
    backup: z.strictObject({ dir: dirPath, retention_days: posInt }),
  })
  .superRefine((s, ctx) => {
    /** `related`: the other key of the rule, so the error can blame whichever source set either. */
    const rule = (ok: boolean, path: string[], message: string, related?: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path, message, params: related ? { related } : undefined });
    };
    rule(
      s.trading.available_capital <= s.trading.nav,
      ['trading', 'available_capital'],
      `must not exceed trading.nav (${s.trading.nav})`,
      'trading.nav',
    );
    rule(
      s.constraints.min_dte <= s.constraints.max_dte,
      ['constraints', 'min_dte'],
      `must not exceed constraints.max_dte (${s.constraints.max_dte})`,
      'constraints.max_dte',
    );
    const p = s.constraints.portfolio;
    rule(
      p.delta_min <= p.delta_max,
      ['constraints', 'portfolio', 'delta_min'],
      `must not exceed delta_max (${p.delta_max})`,
      'constraints.portfolio.delta_max',
    );
    rule(
      s.strategy_params.short_delta_min <= s.strategy_params.short_delta_max,
      ['strategy_params', 'short_delta_min'],
      `must not exceed short_delta_max (${s.strategy_params.short_delta_max})`,
      'strategy_params.short_delta_max',
    );
    rule(
      s.strategy_params.calendar_back_dte_min <= s.strategy_params.calendar_back_dte_max,
      ['strategy_params', 'calendar_back_dte_min'],
      `must not exceed calendar_back_dte_max (${s.strategy_params.calendar_back_dte_max})`,
      'strategy_params.calendar_back_dte_max',
    );
    rule(
      s.scoring.regime_low_percentile < s.scoring.regime_high_percentile,
      ['scoring', 'regime_low_percentile'],
      `must be below regime_high_percentile (${s.scoring.regime_high_percentile})`,
      'scoring.regime_high_percentile',
    );
    // the provider choice's own rules (market/providerFactory.ts chooseProviders), here so that `config check`,
    // start-up and a SIGHUP reload refuse them with the file or variable named — found only when the providers
    // were built, a reload that dropped TRADIER_API_KEY killed the running engine
    const pr = s.providers;
    rule(
      pr.primary !== 'tradier' || (pr.tradier.api_key ?? '').trim() !== '',
      ['providers', 'tradier', 'api_key'],
      'is required when providers.primary is tradier (set TRADIER_API_KEY)',
      'providers.primary',
    );
    rule(
      pr.primary !== 'yahoo' || pr.yahoo.enabled,
      ['providers', 'yahoo', 'enabled'],
      'must be true when providers.primary is yahoo',
      'providers.primary',
    );
    const sets: [string[], ScoringWeights][] = [
      [['scoring', 'weights'], s.scoring.weights],
      [['scoring', 'regime_weights', 'high'], s.scoring.regime_weights.high],
      [['scoring', 'regime_weights', 'low'], s.scoring.regime_weights.low],
    ];
    for (const [path, w] of sets) {
      const sum = Object.values(w).reduce((a, b) => a + b, 0);
      rule(Math.abs(sum - 1) < 1e-6, path, `weights must sum to 1 (they sum to ${+sum.toFixed(6)})`);
    }
    const e = s.alerts.email;
    if (e.enabled) {
      rule(e.smtp_server !== null, ['alerts', 'email', 'smtp_server'], 'required when alerts.email.enabled');
      rule(e.from !== null, ['alerts', 'email', 'from'], 'required when alerts.email.enabled');
      rule(e.to.length > 0, ['alerts', 'email', 'to'], 'at least one recipient when alerts.email.enabled');
    }
  });

/** The validated, effective settings. */
export type Settings = z.output<typeof settingsSchema>;
