import type { QuickHandler } from '../bot/quick-commands.js';
import { ntpAlerts } from './ntp-alerts-command.js';
import { ntpGraph } from './ntp-graph-command.js';
import { ntpWatch } from './ntp-watch-command.js';
import type { WatchCommandDeps } from './watch-command-deps.js';

/** The grammar's quick ntp commands, by handler name. */
export function watchCommandHandlers(
  deps: WatchCommandDeps,
): Record<'ntp.alerts' | 'ntp.watch' | 'ntp.graph', QuickHandler> {
  return {
    'ntp.alerts': () => ntpAlerts(deps),
    'ntp.watch': ([onOff], who) => ntpWatch(onOff ?? '', who, deps),
    'ntp.graph': (args, who) => ntpGraph(args, who, deps),
  };
}
