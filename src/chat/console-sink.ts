import type { ChatSink } from './sink.js';

/** The console adapter's "channel": every post, update and thread reply is printed as plain text. */
export function createConsoleSink(write: (text: string) => void): ChatSink {
  let next = 1;
  return {
    async post(_channel, message) {
      write(`${message.text}\n`);
      return { ts: String(next++) };
    },
    async update(_channel, _ts, message) {
      write(`${message.text}\n`);
    },
    async reply(_channel, _threadTs, message) {
      write(`${indent(message.text)}\n`);
    },
  };
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  │ ${l}`)
    .join('\n');
