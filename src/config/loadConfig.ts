/**
 * Loads the effective configuration. Order, later wins:
 * shipped `config/*.yaml` < `$OPTIONS_ENGINE_CONFIG_DIR/*.yaml` < environment variables < CLI flags.
 * Every leaf remembers which of these supplied it, so an error names the file, env var or flag.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { ConfigError, ConfigErrors } from './ConfigError.js';
import { coerce, type ValueKind } from './coerce.js';
import { describeIssue } from './describeIssue.js';
import { ENV_BINDINGS } from './envVars.js';
import { interpolate } from './interpolate.js';
import { type MonitoringConfig, monitoringSchema } from './monitoringSchema.js';
import { readYaml } from './readYaml.js';
import { type Settings, settingsSchema } from './schema.js';
import { maskValue, scrubText, treeSecretValues } from './secrets.js';

/** The shipped defaults: `<package root>/config`. */
export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));

/** One value set by a CLI flag (or any caller), already typed. */
export interface ConfigOverride {
  path: string;
  value: unknown;
  /** Shown in errors, e.g. `flag --nav`. */
  source: string;
}

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** Overrides `OPTIONS_ENGINE_CONFIG_DIR`. */
  configDir?: string;
  /** Where the shipped defaults live (tests point this elsewhere). */
  defaultsDir?: string;
  overrides?: ConfigOverride[];
}

export interface LoadedConfig {
  settings: Settings;
  monitoring: MonitoringConfig;
  /**
   * Dotted key path → the file / env var / flag that set it: settings keys as they are (`trading.nav`),
   * monitoring.yaml keys prefixed `monitoring:` (`monitoring:evaluation_interval`).
   */
  sources: Record<string, string>;
  /** The YAML files read, in order. */
  files: string[];
}

/** Marks a monitoring.yaml key in {@link LoadedConfig.sources} (settings has a `monitoring` section too). */
export const MONITORING_SOURCE_PREFIX = 'monitoring:';

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deep-merges `src` into `dst` (objects merge, arrays and scalars replace), recording each leaf's source. */
function mergeInto(dst: Tree, src: Tree, source: string, sources: Record<string, string>, prefix = ''): void {
  for (const [k, v] of Object.entries(src)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isTree(v) && isTree(dst[k])) {
      mergeInto(dst[k] as Tree, v, source, sources, path);
    } else {
      dst[k] = isTree(v) ? structuredClone(v) : v;
      sources[path] = source;
      if (isTree(v)) markLeaves(v, source, sources, path);
    }
  }
}

function markLeaves(v: Tree, source: string, sources: Record<string, string>, prefix: string): void {
  for (const [k, x] of Object.entries(v)) {
    const path = `${prefix}.${k}`;
    sources[path] = source;
    if (isTree(x)) markLeaves(x, source, sources, path);
  }
}

function setPath(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = tree;
  for (const k of keys.slice(0, -1)) {
    if (!isTree(node[k])) node[k] = {};
    node = node[k] as Tree;
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * The source to blame for `path`: of the sources that set it, an ancestor, or a descendant, the one
 * applied last (a cross-field rule on `scoring.weights` blames the file that changed one weight).
 */
function sourceOf(
  path: string,
  sources: Record<string, string>,
  order: string[],
  fallback: string,
  paths: string[] = [path],
): string {
  let best = fallback;
  let bestRank = -1;
  for (const [p, src] of Object.entries(sources)) {
    const related = paths.some((q) => p === q || q.startsWith(`${p}.`) || p.startsWith(`${q}.`) || q === '');
    const rank = order.indexOf(src);
    if (related && rank > bestRank) {
      best = src;
      bestRank = rank;
    }
  }
  return best;
}

function validate<S extends z.ZodType>(
  schema: S,
  tree: Tree,
  sources: Record<string, string>,
  order: string[],
  fallback: string,
  secrets: readonly string[],
): z.output<S> {
  const result = schema.safeParse(tree, { reportInput: true });
  if (result.success) return result.data;
  // Cross-field rules (code `custom`) only speak once every field is valid on its own.
  const fieldIssues = result.error.issues.filter((i) => i.code !== 'custom');
  const issues = fieldIssues.length > 0 ? fieldIssues : result.error.issues;
  const errors = issues.flatMap((issue) => {
    const base = issue.path.map(String);
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...base, k].join('.')) : [base.join('.')];
    const related = issue.code === 'custom' ? (issue.params?.related as string | undefined) : undefined;
    return paths.map((p) => {
      const source = related
        ? sourceOf(p, sources, order, fallback, [p, related])
        : sourceOf(p, sources, order, fallback);
      // the value a reason quotes ("got …") never shows a secret: `****` for a secret key, a URL's password masked
      const shown =
        'input' in issue
          ? { ...issue, input: maskValue(String(issue.path.at(-1) ?? ''), issue.input) }
          : issue;
      // … nor a secret interpolated into another key (`level: ${TRADIER_API_KEY}`)
      return new ConfigError(source, p, scrubText(describeIssue(shown as z.core.$ZodIssue), secrets));
    });
  });
  throw errors.length === 1 ? errors[0] : new ConfigErrors(errors);
}

function readLayer(dir: string, name: string, env: Record<string, string | undefined>): Tree | null {
  const file = join(dir, name);
  if (!existsSync(file)) {
    // a symbolic link to nothing (a config management tool's dangling link) is not "no override": it was ignored
    let link = null;
    try {
      link = lstatSync(file).isSymbolicLink() ? readlinkSync(file) : null;
    } catch {
      return null; // no file at all
    }
    if (link !== null) throw new ConfigError(file, '', `is a symbolic link to ${link}, which does not exist`);
    return null;
  }
  return interpolate(readYaml(file), env, file) as Tree;
}

/** The names the config dir is read for; a near miss is refused (see refuseMisnamed). */
const CONFIG_FILES = ['settings.yaml', 'monitoring.yaml'];

/**
 * An override file under a name that is not read (`settings.yml`, `Settings.yaml`, `MONITORING.YML`) is an
 * error naming it: ignored, it left the operator's settings silently without effect.
 */
function refuseMisnamed(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const m = /^(settings|monitoring)\.ya?ml$/i.exec(entry);
    if (!m || CONFIG_FILES.includes(entry)) continue;
    throw new ConfigError(
      join(dir, entry),
      '',
      `this file is not read: override files are named ${m[1].toLowerCase()}.yaml (rename it)`,
    );
  }
}

/** Loads, merges and validates settings.yaml and monitoring.yaml. Throws ConfigError / ConfigErrors. */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const defaultsDir = opts.defaultsDir ?? DEFAULT_CONFIG_DIR;
  const configDir = opts.configDir ?? (env.OPTIONS_ENGINE_CONFIG_DIR || undefined);
  if (configDir !== undefined && !(existsSync(configDir) && statSync(configDir).isDirectory())) {
    throw new ConfigError(
      opts.configDir !== undefined ? 'flag --config-dir' : 'environment OPTIONS_ENGINE_CONFIG_DIR',
      '',
      `${configDir} is not a directory`,
    );
  }
  if (configDir !== undefined) refuseMisnamed(configDir);
  const dirs = [defaultsDir, ...(configDir !== undefined ? [configDir] : [])];
  const files: string[] = [];
  const settingsSources: Record<string, string> = {};
  const monitoringSources: Record<string, string> = {};
  const settingsTree: Tree = {};
  const monitoringTree: Tree = {};
  for (const dir of dirs) {
    for (const [name, tree, sources] of [
      ['settings.yaml', settingsTree, settingsSources],
      ['monitoring.yaml', monitoringTree, monitoringSources],
    ] as const) {
      const layer = readLayer(dir, name, env);
      if (layer) {
        files.push(join(dir, name));
        mergeInto(tree, layer, join(dir, name), sources);
      }
    }
  }
  for (const b of ENV_BINDINGS) {
    const raw = env[b.env];
    if (raw === undefined || raw === '') continue;
    const source = `environment ${b.env}`;
    let value = coerce(b.kind as ValueKind, raw, source, b.path);
    if (b.upper && Array.isArray(value)) value = value.map((s: string) => s.toUpperCase());
    setPath(settingsTree, b.path, value);
    settingsSources[b.path] = source;
  }
  for (const o of opts.overrides ?? []) {
    setPath(settingsTree, o.path, o.value);
    settingsSources[o.path] = o.source;
  }
  const order = [
    ...files,
    ...ENV_BINDINGS.map((b) => `environment ${b.env}`),
    ...(opts.overrides ?? []).map((o) => o.source),
  ];
  const secrets = treeSecretValues(settingsTree);
  const settings = validate(
    settingsSchema,
    settingsTree,
    settingsSources,
    order,
    join(defaultsDir, 'settings.yaml'),
    secrets,
  );
  const monitoring = validate(
    monitoringSchema,
    monitoringTree,
    monitoringSources,
    order,
    join(defaultsDir, 'monitoring.yaml'),
    secrets,
  );
  const sources = { ...settingsSources };
  for (const [path, source] of Object.entries(monitoringSources))
    sources[`${MONITORING_SOURCE_PREFIX}${path}`] = source;
  return { settings, monitoring, sources, files };
}
