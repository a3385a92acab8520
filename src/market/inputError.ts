/** Bad input to a market/ function (a malformed date, an unknown symbol, a corrupt cache entry…). */
export class MarketInputError extends Error {
  override readonly name = 'MarketInputError';
  constructor(
    /** The offending field or argument, e.g. `expiration` or `cache:chain`. */
    readonly field: string,
    /** Why it was rejected, in words. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
