import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsoleView } from '../console/console-view.js';
import type { FileSink } from './file-sink.js';

/**
 * The console adapter has no Slack: files are written into `dir` and named with their path, in the thread of the
 * message they belong to (or as a message of their own).
 */
export function createConsoleFileSink(dir: string, view: Pick<ConsoleView, 'post' | 'reply'>): FileSink {
  let n = 0;
  return {
    async upload(channel, file) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, file.filename.replace(/[^\w.-]/g, '_'));
      await writeFile(path, file.bytes);
      const text = `${file.comment ? `${file.comment}\n` : ''}📎 ${file.title}: ${path}`;
      if (file.threadTs) view.reply(channel, file.threadTs, text);
      else view.post(channel, `file-${++n}`, text);
    },
  };
}
