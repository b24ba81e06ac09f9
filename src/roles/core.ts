import type { HomeView } from '@slack/types';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Inventory } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import type { OffsetChartOf } from '../watch/offset-chart-of.js';
import type { Pager } from '../watch/pager.js';
import type { ChatEdge } from './chat-edge.js';
import type { Labs } from './labs.js';
import type { Stores } from './stores.js';

/** What every role of a labops process shares: built once by startLabops. */
export interface Core {
  config: Readonly<Config>;
  log: Logger;
  inventory: Inventory;
  /** Fails fast while Redis is down (the bot's commands answer at once); workers have a connection of their own. */
  redis: Redis;
  queue: Queue;
  watchQueue: Queue;
  stores: Stores;
  edge: ChatEdge;
  chart: OffsetChartOf;
  /** The labs of the policy (LAB_POLICY, or the one lab of LAB_INVENTORY), reloaded on SIGHUP. */
  labs: Labs;
  /** PagerDuty's Events API, when LAB_PAGERDUTY_ROUTING_KEY is set: one sender for the watch and the ack commands. */
  pager?: { send: Pager['send']; routingKey: string };
  /** May this user run changing commands? (The console operator always may.) */
  admin(user: string): boolean;
  /** The App Home tab as it stands now (LAB_POLICY: for this user, each lab they can see). */
  home(user?: string): Promise<HomeView>;
}
