/**
 * The alert state machine, pure: rules + readings + a clock in, events out.
 *
 * Per rule: inactive → pending (first breached evaluation) → firing (still breached when the rule's
 * duration has elapsed since the breach began) → resolved (first evaluation not breached) → inactive.
 * A pending rule that stops breaching returns to inactive silently: a spike shorter than the duration
 * never fires. A firing rule asks for a repeat notification when `cooldownMs` has passed since the
 * last one (0: never repeat). A missing reading (null) changes nothing: a pending rule does not
 * advance and a firing one does not resolve on a gap in the data.
 *
 * Count metrics (connection_errors) are read as running totals; the value is the increase over the
 * rule's duration (the counting window), and a breach fires at once.
 */
import type { AlertMetric } from '../../config/monitoringSchema.js';
import { type AlertRuleDef, breaches, worse } from './rules.js';

/** Metric readings at one evaluation (count metrics as running totals). */
export type AlertReadings = Partial<Record<AlertMetric, number | null>>;

export type AlertState = 'inactive' | 'pending' | 'firing';

/** A rule that is pending or firing; times are epoch ms. */
export interface ActiveAlert {
  rule: AlertRuleDef;
  state: 'pending' | 'firing';
  /** When the breach began. */
  since: number;
  firedAt: number | null;
  /** Value at the last evaluation, in the rule's unit. */
  value: number;
  /** Worst value since the breach began. */
  peak: number;
  lastNotifiedAt: number | null;
  /** `alerts.id` once stored. */
  alertId: number | null;
  /**
   * Messages a channel delivered, and the channels that delivered one: what the `alerts` row records, held here
   * too so that /api/alerts answers "was I notified?" during a database outage (it read 0 while the page went out).
   */
  notifications: number;
  notifiedChannels: string[];
}

export type AlertEventType = 'fired' | 'repeat' | 'updated' | 'resolved';

export interface AlertEvent {
  type: AlertEventType;
  at: number;
  alert: ActiveAlert;
}

/** An open alert read back from the database after a restart. */
export interface RestoredAlert {
  rule: string;
  since: number;
  firedAt: number;
  value: number | null;
  peak: number | null;
  lastNotifiedAt: number | null;
  alertId: number;
  notifications?: number;
  notifiedChannels?: readonly string[];
}

export class AlertEvaluator {
  private rules: AlertRuleDef[] = [];
  private cooldownMs = 0;
  private readonly active = new Map<string, ActiveAlert>();
  /** Running totals of count metrics: [time, total] oldest first. */
  private readonly totals = new Map<AlertMetric, [number, number][]>();

  constructor(rules: readonly AlertRuleDef[], cooldownMs: number) {
    this.configure(rules, cooldownMs);
  }

  /**
   * New rules (a reload). Alerts of rules that keep their name keep their state, re-judged at the next
   * evaluation against the new threshold; alerts of removed rules are returned as resolved at `now`.
   */
  configure(rules: readonly AlertRuleDef[], cooldownMs: number, now = Date.now()): AlertEvent[] {
    this.rules = [...rules];
    this.cooldownMs = cooldownMs;
    const byName = new Map(rules.map((r) => [r.name, r]));
    const out: AlertEvent[] = [];
    for (const [name, a] of this.active) {
      const rule = byName.get(name);
      if (rule) a.rule = rule;
      else {
        this.active.delete(name);
        if (a.state === 'firing') out.push({ type: 'resolved', at: now, alert: a });
      }
    }
    return out;
  }

  /** Open alerts from a previous process: they continue as firing (and resolve here when cleared). */
  restore(open: readonly RestoredAlert[]): void {
    for (const o of open) {
      const rule = this.rules.find((r) => r.name === o.rule);
      if (!rule || this.active.has(o.rule)) continue;
      const value = o.value ?? o.peak ?? rule.threshold;
      this.active.set(o.rule, {
        rule,
        state: 'firing',
        since: o.since,
        firedAt: o.firedAt,
        value,
        peak: o.peak ?? value,
        lastNotifiedAt: o.lastNotifiedAt,
        alertId: o.alertId,
        notifications: o.notifications ?? 0,
        notifiedChannels: [...(o.notifiedChannels ?? [])],
      });
    }
  }

  /** Open alerts of rules no longer configured cannot be restored; their names, to resolve them. */
  unknownRules(open: readonly { rule: string }[]): string[] {
    return open.filter((o) => !this.rules.some((r) => r.name === o.rule)).map((o) => o.rule);
  }

  /** One evaluation at `now` (epoch ms). */
  evaluate(now: number, readings: AlertReadings): AlertEvent[] {
    this.recordTotals(now, readings);
    const out: AlertEvent[] = [];
    for (const rule of this.rules) {
      const value = this.valueOf(rule, now, readings);
      const a = this.active.get(rule.name);
      if (value === null) continue;
      const breached = breaches(rule, value);
      if (!a) {
        if (!breached) continue;
        const next: ActiveAlert = {
          rule,
          state: 'pending',
          since: now,
          firedAt: null,
          value,
          peak: value,
          lastNotifiedAt: null,
          alertId: null,
          notifications: 0,
          notifiedChannels: [],
        };
        this.active.set(rule.name, next);
        if (rule.kind === 'count' || rule.durationMs <= 0) this.fire(next, now, out);
        continue;
      }
      a.value = value;
      if (!breached) {
        this.active.delete(rule.name);
        if (a.state === 'firing') out.push({ type: 'resolved', at: now, alert: a });
        continue;
      }
      a.peak = worse(rule, a.peak, value);
      if (a.state === 'pending') {
        if (now - a.since >= rule.durationMs) this.fire(a, now, out);
      } else if (
        this.cooldownMs > 0 &&
        a.lastNotifiedAt !== null &&
        now - a.lastNotifiedAt >= this.cooldownMs
      ) {
        a.lastNotifiedAt = now;
        out.push({ type: 'repeat', at: now, alert: a });
      } else {
        out.push({ type: 'updated', at: now, alert: a });
      }
    }
    return out;
  }

  private fire(a: ActiveAlert, now: number, out: AlertEvent[]): void {
    a.state = 'firing';
    a.firedAt = now;
    a.lastNotifiedAt = now;
    out.push({ type: 'fired', at: now, alert: a });
  }

  /** Pending and firing alerts, oldest breach first. */
  activeAlerts(): ActiveAlert[] {
    return [...this.active.values()].sort((a, b) => a.since - b.since);
  }

  private recordTotals(now: number, readings: AlertReadings): void {
    const windowMs = new Map<AlertMetric, number>();
    for (const r of this.rules)
      if (r.kind === 'count') windowMs.set(r.metric, Math.max(windowMs.get(r.metric) ?? 0, r.durationMs));
    for (const [metric, w] of windowMs) {
      const total = readings[metric];
      if (total === null || total === undefined || !Number.isFinite(total)) continue;
      const h = this.totals.get(metric) ?? [];
      h.push([now, total]);
      // keep one sample at or before the longest window's start, drop older ones
      while (h.length > 1 && h[1][0] <= now - w) h.shift();
      this.totals.set(metric, h);
    }
  }

  private valueOf(rule: AlertRuleDef, now: number, readings: AlertReadings): number | null {
    const v = readings[rule.metric];
    if (v === null || v === undefined || !Number.isFinite(v)) return null;
    if (rule.kind === 'gauge') return v;
    const h = this.totals.get(rule.metric) ?? [];
    // the latest total at or before the window's start (else the oldest known)
    let base = h[0]?.[1] ?? v;
    for (const [t, total] of h) {
      if (t > now - rule.durationMs) break;
      base = total;
    }
    return Math.max(0, v - base);
  }
}
