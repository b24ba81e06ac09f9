import type { FileSink } from '../chat/file-sink.js';
import type { ChatSink } from '../chat/sink.js';
import type { Inventory } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import type { OffsetChartOf } from './offset-chart-of.js';
import type { SilenceStore } from './silence-store.js';
import type { WatchStore } from './watch-store.js';

/** What the quick ntp commands use; the bot answers them at once, from Redis, without SSH. */
export interface WatchCommandDeps {
  store: Pick<WatchStore, 'load' | 'lastCheck' | 'paused' | 'pause' | 'resume' | 'update'>;
  silences: Pick<SilenceStore, 'list' | 'set' | 'remove'>;
  /** The Ceph watch's store: its cluster record is listed with the hosts' alerts, and acknowledged. */
  cephStore?: Pick<WatchStore, 'load' | 'update'>;
  chart: OffsetChartOf;
  inventory: Inventory;
  chat: Pick<ChatSink, 'post' | 'reply'>;
  files: FileSink;
  /** Where the watch posts; unset = the watch is off. */
  alertChannel?: string;
  intervalSeconds: number;
  confirmChecks: number;
  isAdmin(user: string): boolean;
  mention(user: string): string;
  now(): number;
  /** Tells on-call that an incident was acknowledged in Slack (PagerDuty), when paging is on. */
  onAck?(incident: string): void;
  /** The same for the Ceph cluster's incident. */
  onCephAck?(incident: string): void;
  log: Logger;
}
