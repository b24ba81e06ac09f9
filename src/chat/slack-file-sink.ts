import type { WebClient } from '@slack/web-api';
import type { FileSink } from './file-sink.js';

/** files.uploadV2: files.getUploadURLExternal, the upload, then files.completeUploadExternal to share it. */
export function createSlackFileSink(client: WebClient): FileSink {
  return {
    async upload(channel, file) {
      const common = {
        file: Buffer.from(file.bytes),
        filename: file.filename,
        title: file.title,
        ...(file.comment ? { initial_comment: file.comment } : {}),
        ...(file.altText ? { alt_text: file.altText } : {}),
      };
      await client.files.uploadV2(
        file.threadTs
          ? { ...common, channel_id: channel, thread_ts: file.threadTs }
          : { ...common, channel_id: channel },
      );
    },
  };
}
