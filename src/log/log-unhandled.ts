import type { Logger } from './logger.js';

/**
 * A promise rejected with no handler is logged and labops goes on: bot and worker share the process (`npm start`),
 * and one stray rejection in a library callback must not take the running jobs down with it. (Uncaught exceptions
 * still end the process: its state is unknown then, and the supervisor restarts it.)
 */
export function logUnhandledRejections(proc: Pick<NodeJS.Process, 'on'>, log: Pick<Logger, 'error'>): void {
  proc.on('unhandledRejection', (reason) => {
    const err =
      reason instanceof Error ? { msg: reason.message, stack: reason.stack } : { msg: String(reason) };
    log.error(err, 'unhandled promise rejection (logged; labops goes on)');
  });
}
