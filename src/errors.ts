/** Bad command text: the message tells the user how to fix it. Never retried. */
export class UserInputError extends Error {
  override readonly name = 'UserInputError';
}

/** Why one host could not be checked or changed. */
export type HostErrorCode =
  | 'unreachable' // refused, no route, DNS
  | 'timeout' // TCP or SSH handshake or command did not answer in time
  | 'auth' // authentication failed
  | 'hostkey-mismatch' // known_hosts has a different key: never connect
  | 'hostkey-unknown' // known_hosts has no key for this host: never connect
  | 'command-missing' // the tool is not installed (exit 127)
  | 'daemon-down' // e.g. chronyc: 506 Cannot talk to daemon
  | 'command-failed' // anything else the remote command reported
  | 'not-checked'; // a check shared by workers: the worker that had the host failed before it was checked

/** A failure on one host: reported for that host, never fatal to the whole job. */
export class HostError extends Error {
  override readonly name = 'HostError';
  constructor(
    readonly host: string,
    readonly code: HostErrorCode,
    message: string,
    /** What the operator should do next, one sentence. */
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Tool output we could not understand; carries a short excerpt of the raw text. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  readonly excerpt: string;
  constructor(message: string, raw: string) {
    super(message);
    this.excerpt = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  }
}
