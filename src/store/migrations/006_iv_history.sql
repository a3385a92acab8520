-- The 30-day constant-maturity at-the-money IV of each ticker, one row per New York trading day and source, as the
-- engine's live scans measured it (the day's last scan wins). Tradier and Yahoo serve no IV history: IV rank and IV
-- percentile are ranked against these rows once half a year of them is in the window.

CREATE TABLE iv_history (
  symbol      text NOT NULL,
  day         date NOT NULL,
  source      text NOT NULL,
  iv30        double precision NOT NULL,
  scan_id     uuid,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, day, source),
  CONSTRAINT iv_history_iv30_check CHECK (iv30 > 0 AND iv30 < 'Infinity'::double precision)
);

COMMENT ON TABLE iv_history IS 'Daily 30-day ATM IV per ticker and source, from live scans (for IV rank and IV percentile)';
COMMENT ON COLUMN iv_history.day IS 'New York trading day of the scan';
COMMENT ON COLUMN iv_history.iv30 IS '30-day constant-maturity at-the-money implied volatility, fraction';
COMMENT ON COLUMN iv_history.source IS 'Provider of the chain it was read from (tradier, yahoo)';
