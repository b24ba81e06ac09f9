import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boltLogger } from '../bot/bolt-logger.js';
import { createConsoleFileSink } from '../chat/console-file-sink.js';
import { createConsoleSink } from '../chat/console-sink.js';
import type { FileSink } from '../chat/file-sink.js';
import type { ChatSink } from '../chat/sink.js';
import { BoundedWebClient } from '../chat/slack-client.js';
import { createSlackFileSink } from '../chat/slack-file-sink.js';
import { createSlackSink } from '../chat/slack-sink.js';
import type { Config } from '../config.js';
import type { ConsoleView } from '../console/console-view.js';
import { type ConsoleOutput, createConsoleView } from '../console/create-view.js';
import type { Logger } from '../log/logger.js';

/** Where labops talks to people: Slack's Web API (every call bounded), or the terminal of the console adapter. */
export interface ChatEdge {
  slack?: BoundedWebClient;
  /** Console mode: the terminal's view of the channel (a transcript on a pipe, redrawn in place on a terminal). */
  view?: ConsoleView;
  chat: ChatSink;
  files: FileSink;
  /** How a user is named in messages: <@U123> in Slack, the id itself on the console. */
  mention(user: string): string;
}

export function createChatEdge(config: Readonly<Config>, stdout: ConsoleOutput, log: Logger): ChatEdge {
  if (config.slack.mode === 'console') {
    const view = createConsoleView(stdout);
    return {
      view,
      chat: createConsoleSink(view),
      files: createConsoleFileSink(join(tmpdir(), 'labops-files'), view),
      mention: (user) => user,
    };
  }
  const slack = new BoundedWebClient(
    config.slack.botToken,
    config.slack.calls,
    config.slack.apiUrl,
    boltLogger(log),
  );
  return {
    slack,
    chat: createSlackSink(slack),
    files: createSlackFileSink(slack),
    mention: (user) => `<@${user}>`,
  };
}
