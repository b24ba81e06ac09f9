/** The part of an ssh2 exec channel used here (node-ssh hands out ssh2's objects untyped). */
export interface RemoteChannel {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'exit', fn: (code: number | null, signal?: string | null) => void): unknown;
  on(event: 'close' | 'error', fn: (...args: unknown[]) => void): unknown;
  stderr: { on(event: 'data', fn: (chunk: Buffer) => void): unknown };
  write(data: string): unknown;
  end(): unknown;
  close(): unknown;
}

/** Sets up a channel the moment it exists, before any of its events (ssh2 may emit 'exit' in the same tick). */
export type AttachChannel = (channel: RemoteChannel, release: () => void) => void;

/**
 * Where a command runs: opens a channel for it and hands it to `attach` with a release for its session slot,
 * synchronously; resolves once attached. A 'kill' channel stops another command: it must not wait behind the
 * commands it would free. `abandoned` is asked just before the command would start: a command given up while it
 * waited never starts.
 */
export interface ChannelOpener {
  open(
    command: string,
    attach: AttachChannel,
    o?: { kind?: 'command' | 'kill'; abandoned?: () => boolean },
  ): Promise<void>;
}
