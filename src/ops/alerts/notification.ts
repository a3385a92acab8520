/** What a notifier sends: one alert event, already worded (see message.ts). */
export type NotificationKind = 'firing' | 'repeat' | 'resolved' | 'test';

export type AlertChannel = 'email' | 'slack';

export interface AlertNotification {
  kind: NotificationKind;
  /** The rule's name, `group.metric` (e.g. `system.cpu_usage`). */
  rule: string;
  severity: 'info' | 'warning' | 'critical';
  /** The first line: `Options Engine Alert: <name>` (the guide's subject), plus a state marker. */
  subject: string;
  /** The following lines: value, threshold, duration, since, host. Plain text. */
  details: string;
  /** `alerts.id` of the stored alert, null for a test notification. */
  alertId: number | null;
}

/** One delivery channel. `send` rejects on any failure; it must honour `signal` (abort = give up). */
export interface Notifier {
  readonly channel: AlertChannel;
  send(n: AlertNotification, signal: AbortSignal): Promise<void>;
  /** Releases sockets/pools. */
  close(): Promise<void>;
}
