import type { QuickHandler } from '../bot/quick-commands.js';
import { ntpAck, ntpSilence, ntpUnsilence } from './alert-commands.js';
import { cephAck } from './ceph-ack-command.js';
import { ntpAlerts } from './ntp-alerts-command.js';
import { ntpGraph } from './ntp-graph-command.js';
import { ntpWatch } from './ntp-watch-command.js';
import type { WatchCommandDeps } from './watch-command-deps.js';

/** The grammar's quick ntp commands, by handler name. */
export function watchCommandHandlers(
  deps: WatchCommandDeps,
): Record<
  'ntp.alerts' | 'ntp.watch' | 'ntp.graph' | 'ntp.ack' | 'ntp.silence' | 'ntp.unsilence' | 'ceph.ack',
  QuickHandler
> {
  return {
    'ntp.alerts': () => ntpAlerts(deps),
    'ntp.watch': ([onOff], who) => ntpWatch(onOff ?? '', who, deps),
    'ntp.graph': (args, who) => ntpGraph(args, who, deps),
    'ntp.ack': (args, who) => ntpAck(args, who, deps),
    'ntp.silence': (args, who) => ntpSilence(args, who, deps),
    'ntp.unsilence': (args, who) => ntpUnsilence(args, who, deps),
    'ceph.ack': (_args, who) => cephAck(who, deps),
  };
}
