import type { ChatSink } from '../../src/chat/sink.js';

/** A chat that writes down, in order, what a user would see happen: "post …", "update <ts> …", "reply <ts> …". */
export function recordingChat(ts = '1.000') {
  const seen: string[] = [];
  const chat: ChatSink = {
    async post(_channel, m) {
      seen.push(`post ${m.text}`);
      return { ts };
    },
    async update(_channel, at, m) {
      seen.push(`update ${at} ${m.text}`);
    },
    async reply(_channel, at, m) {
      seen.push(`reply ${at} ${m.text}`);
    },
  };
  return { chat, seen };
}
