import type { WebClient } from '@slack/web-api';
import { cappedFileText, MAX_FILE_TEXT_BYTES } from './capped-file-text.js';
import type { FileSink } from './file-sink.js';

// text files that carry a host's output (charts are images and are never cut)
const textFile = /\.(txt|log)$/;
const capText = (bytes: Uint8Array) => cappedFileText(new TextDecoder().decode(bytes)).bytes;

/**
 * files.uploadV2: files.getUploadURLExternal, the upload, then files.completeUploadExternal to share it. A text file
 * over MAX_FILE_TEXT_BYTES is cut to its start and end, whoever made it.
 */
export function createSlackFileSink(client: WebClient): FileSink {
  return {
    async upload(channel, file) {
      const common = {
        file: Buffer.from(
          textFile.test(file.filename) && file.bytes.length > MAX_FILE_TEXT_BYTES
            ? capText(file.bytes)
            : file.bytes,
        ),
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
