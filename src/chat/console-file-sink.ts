import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileSink } from './file-sink.js';

/** The console adapter has no Slack: files are written into `dir` and their path is printed. */
export function createConsoleFileSink(dir: string, write: (text: string) => void): FileSink {
  return {
    async upload(_channel, file) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, file.filename.replace(/[^\w.-]/g, '_'));
      await writeFile(path, file.bytes);
      write(`${file.comment ? `${file.comment}\n` : ''}📎 ${file.title}: ${path}\n`);
    },
  };
}
