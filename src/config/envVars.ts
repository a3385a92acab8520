/** Environment variables that override settings (the deployment environment's names). */
import type { ValueKind } from './coerce.js';

export interface EnvBinding {
  env: string;
  path: string;
  kind: ValueKind;
  /** Upper-cases list items (tickers). */
  upper?: boolean;
}

export const ENV_BINDINGS: readonly EnvBinding[] = [
  { env: 'TRADIER_API_KEY', path: 'providers.tradier.api_key', kind: 'string' },
  { env: 'TRADIER_SANDBOX', path: 'providers.tradier.sandbox', kind: 'boolean' },
  { env: 'TRADIER_BASE_URL', path: 'providers.tradier.base_url', kind: 'string' },
  { env: 'FRED_BASE_URL', path: 'providers.fred.base_url', kind: 'string' },
  { env: 'QUIVER_BASE_URL', path: 'providers.quiver.base_url', kind: 'string' },
  { env: 'FRED_API_KEY', path: 'providers.fred.api_key', kind: 'string' },
  { env: 'QUIVER_API_KEY', path: 'providers.quiver.api_key', kind: 'string' },
  { env: 'OPTIONS_ENGINE_PROVIDER', path: 'providers.primary', kind: 'string' },
  { env: 'OPTIONS_ENGINE_WATCHLIST', path: 'trading.watchlist', kind: 'list', upper: true },
  { env: 'DATABASE_URL', path: 'database.url', kind: 'string' },
  { env: 'DATA_DIR', path: 'database.data_dir', kind: 'string' },
  { env: 'DATABASE_POOL_SIZE', path: 'database.pool_size', kind: 'int' },
  { env: 'DATABASE_POOL_OVERFLOW', path: 'database.pool_overflow', kind: 'int' },
  { env: 'REDIS_URL', path: 'cache.redis_url', kind: 'string' },
  { env: 'CACHE_DEFAULT_TIMEOUT', path: 'cache.default_timeout', kind: 'number' },
  { env: 'CACHE_THRESHOLD', path: 'cache.threshold', kind: 'int' },
  { env: 'API_TIMEOUT', path: 'api.timeout', kind: 'number' },
  { env: 'API_RETRY_COUNT', path: 'api.retry_count', kind: 'int' },
  { env: 'API_BATCH_SIZE', path: 'api.batch_size', kind: 'int' },
  { env: 'OPTIONS_ENGINE_API_TOKEN', path: 'api.token', kind: 'string' },
  { env: 'THREAD_POOL_SIZE', path: 'performance.thread_pool_size', kind: 'intOrAuto' },
  { env: 'PORT', path: 'monitoring.port', kind: 'int' },
  { env: 'LOG_LEVEL', path: 'logging.level', kind: 'string' },
  { env: 'LOG_DIR', path: 'logging.dir', kind: 'string' },
  { env: 'LOG_JSON', path: 'logging.json_stdout', kind: 'boolean' },
  { env: 'ALERT_EMAIL_ENABLED', path: 'alerts.email.enabled', kind: 'boolean' },
  { env: 'ALERT_EMAIL_FROM', path: 'alerts.email.from', kind: 'string' },
  { env: 'ALERT_EMAIL_TO', path: 'alerts.email.to', kind: 'list' },
  { env: 'ALERT_SMTP_SERVER', path: 'alerts.email.smtp_server', kind: 'string' },
  { env: 'ALERT_SMTP_PORT', path: 'alerts.email.smtp_port', kind: 'int' },
  { env: 'ALERT_SMTP_USERNAME', path: 'alerts.email.smtp_username', kind: 'string' },
  { env: 'ALERT_SMTP_PASSWORD', path: 'alerts.email.smtp_password', kind: 'string' },
  { env: 'ALERT_SMTP_TLS', path: 'alerts.email.smtp_tls', kind: 'boolean' },
  { env: 'SLACK_WEBHOOK_URL', path: 'alerts.slack.webhook_url', kind: 'string' },
  { env: 'BACKUP_DIR', path: 'backup.dir', kind: 'string' },
];
