import type { Logger } from '../log/logger.js';
import { cappedFileText } from './capped-file-text.js';
import type { FileSink } from './file-sink.js';
import { fullText, overLimits, summariseMessage } from './fit-message.js';
import type { ChatMessage } from './message.js';
import type { ChatSink } from './sink.js';

/** How long an oversized message must stay unchanged before its file is uploaded (progress updates come faster). */
const UPDATE_SETTLE_MS = 1500;

/**
 * A ChatSink that never sends Slack more than it takes: an oversized message is summarised in place and attached
 * in full as a text file in its thread (up to MAX_FILE_TEXT_BYTES: its start and end beyond that). Posts and replies attach at once; an updated message attaches once its
 * content settles, so a growing progress message does not upload a file per update.
 */
export function withLongOutput(chat: ChatSink, files: FileSink, log: Logger): ChatSink {
  let n = 0;
  const pending = new Map<string, NodeJS.Timeout>();
  const prepare = (m: ChatMessage) => {
    const text = fullText(m);
    const filename = `labops-output-${Date.now()}-${++n}.txt`;
    // a host's flood stops at the file cap too: its start and end, and a line saying what is missing
    const { bytes, leftOutBytes } = cappedFileText(text);
    const leftOut = leftOutBytes ? `${Math.ceil(leftOutBytes / 1024)} KiB` : undefined;
    return { summary: summariseMessage(m, filename, text.length, leftOut), filename, text: bytes };
  };
  const attach = (channel: string, threadTs: string, filename: string, bytes: Uint8Array) =>
    files
      .upload(channel, {
        filename,
        title: 'Full output',
        bytes,
        threadTs,
      })
      .catch((err: Error) => log.warn({ channel, msg: err.message }, 'could not attach the full output'));
  return {
    async post(channel, message, opts) {
      if (!overLimits(message)) return chat.post(channel, message, opts);
      const { summary, filename, text } = prepare(message);
      const posted = await chat.post(channel, summary, opts);
      await attach(channel, opts?.threadTs ?? posted.ts, filename, text);
      return posted;
    },
    async update(channel, ts, message, opts) {
      const key = `${channel}/${ts}`;
      clearTimeout(pending.get(key));
      pending.delete(key);
      if (!overLimits(message)) return chat.update(channel, ts, message, opts);
      const { summary, filename, text } = prepare(message);
      await chat.update(channel, ts, summary, opts);
      pending.set(
        key,
        setTimeout(() => {
          pending.delete(key);
          void attach(channel, opts?.threadTs ?? ts, filename, text);
        }, UPDATE_SETTLE_MS),
      );
    },
    async reply(channel, threadTs, message) {
      if (!overLimits(message)) return chat.reply(channel, threadTs, message);
      const { summary, filename, text } = prepare(message);
      await chat.reply(channel, threadTs, summary);
      await attach(channel, threadTs, filename, text);
    },
  };
}
