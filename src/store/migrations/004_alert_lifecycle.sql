-- Alert lifecycle (issue #9): when the breach began, its peak, the notifications sent, and which
-- service instance raised it (instances sharing one database each watch their own host).

ALTER TABLE alerts ADD COLUMN started_at timestamptz;
ALTER TABLE alerts ADD COLUMN peak_value double precision;
ALTER TABLE alerts ADD COLUMN last_notified_at timestamptz;
ALTER TABLE alerts ADD COLUMN notifications integer NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN instance text NOT NULL DEFAULT '';
DROP INDEX idx_alerts_open_rule;
CREATE UNIQUE INDEX idx_alerts_open_rule ON alerts (rule, instance) WHERE resolved_at IS NULL;
UPDATE alerts SET started_at = fired_at, peak_value = value WHERE started_at IS NULL;
CREATE INDEX idx_alerts_resolved_at ON alerts (resolved_at);

COMMENT ON COLUMN alerts.started_at IS 'When the condition began to hold (the start of the pending period)';
COMMENT ON COLUMN alerts.fired_at IS 'When the condition had held for the whole rule duration';
COMMENT ON COLUMN alerts.value IS 'The metric at the last evaluation while firing';
COMMENT ON COLUMN alerts.peak_value IS 'The worst value seen while pending or firing (highest for above, lowest for below)';
COMMENT ON COLUMN alerts.resolved_at IS 'When the condition stopped holding; NULL while firing';
COMMENT ON COLUMN alerts.last_notified_at IS 'Last notification sent (the cooldown counts from here)';
COMMENT ON COLUMN alerts.instance IS 'host:port of the service that evaluated the rule ('''' when unknown)';
