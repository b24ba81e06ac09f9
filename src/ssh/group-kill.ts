import type { ChannelOpener } from './remote-channel.js';

/** Kills a remote command's process group once it is both stopped and its pid known, whichever comes last. */
export interface GroupKill {
  /** The pid the command's shell reported (see pidLineReader). */
  pidKnown(pid: number): void;
  /** The command is to be stopped: its group is killed now, or as soon as its pid is known. */
  stop(): void;
}

/**
 * `kill -KILL -- -<pid>` over a channel of its own (a 'kill' channel, which does not wait behind the commands it
 * frees), sent once. An SSH signal request is not enough: sshd refuses it in ForceCommand sessions.
 */
export function groupKill(opener: ChannelOpener): GroupKill {
  let pid: number | undefined;
  let stopped = false;
  let sent = false;
  const send = () => {
    if (!stopped || pid === undefined || sent) return;
    sent = true;
    opener
      .open(
        `kill -KILL -- -${pid} 2>/dev/null`,
        (channel, release) => {
          // read to the end: a stream nobody reads never emits 'close', and its slot would stay taken
          channel.on('data', () => undefined);
          channel.stderr.on('data', () => undefined);
          channel.on('close', release);
          channel.on('error', () => undefined);
          channel.end();
        },
        { kind: 'kill' },
      )
      .catch(() => undefined);
  };
  return {
    pidKnown(p) {
      pid = p;
      send();
    },
    stop() {
      stopped = true;
      send();
    },
  };
}
