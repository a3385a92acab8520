/** A configuration problem: where it came from (file, env var or flag), which key, and why. */
export class ConfigError extends Error {
  constructor(
    /** The file path, `environment VAR` or `flag --x` that supplied the bad value. */
    readonly source: string,
    /** Dotted key path, e.g. `trading.nav`; empty when the whole source is bad (broken YAML). */
    readonly keyPath: string,
    readonly reason: string,
  ) {
    super(`${source}: ${keyPath ? `${keyPath}: ` : ''}${reason}`);
    this.name = 'ConfigError';
  }
}

/** Several problems at once; the message holds one line per problem. */
export class ConfigErrors extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ConfigErrors';
  }
}
