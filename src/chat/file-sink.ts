/** A file to share: bytes with a name, a title, and where it goes. */
export interface SharedFile {
  filename: string;
  title: string;
  bytes: Uint8Array;
  /** Text shown with the file (plain; Slack's initial_comment). */
  comment?: string;
  /** Posts the file into this message's thread. */
  threadTs?: string;
  /** Description for screen readers (images). */
  altText?: string;
}

/** Where workers and the bot put files such as charts: Slack uploads, or a folder in console mode. */
export interface FileSink {
  upload(channel: string, file: SharedFile): Promise<void>;
}
