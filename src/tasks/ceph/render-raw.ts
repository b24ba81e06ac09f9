import { section } from '../../chat/blocks.js';
import type { SharedFile } from '../../chat/file-sink.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { CEPH_STEPS } from '../ceph-cluster/ceph-command.js';
import type { CephReading } from '../ceph-cluster/read-ceph.js';

// a code block over this goes as a file: a section holds 3000 characters
const INLINE_CHARS = 2500;
const FENCE = '```';

/** The raw JSON of one step: a short one as a code block, a long one as a .json file, in the job's thread. */
export function renderRaw(
  reading: CephReading,
  threadTs: string,
): ({ kind: 'message'; message: ChatMessage } | { kind: 'file'; file: SharedFile })[] {
  return reading.raw.map(({ step, output }) => {
    const title = `ceph ${CEPH_STEPS[step]} --format json on ${reading.monitor}`;
    const raw = output.trim();
    if (raw.length > INLINE_CHARS) {
      const file: SharedFile = {
        filename: `ceph-${step}-${reading.monitor}.json`,
        title,
        bytes: new TextEncoder().encode(`${raw}\n`),
        threadTs,
      };
      return { kind: 'file', file };
    }
    const code = `${FENCE}\n${escapeMrkdwn(raw).replaceAll(FENCE, "'''")}\n${FENCE}`;
    return {
      kind: 'message',
      message: { text: `${title}:\n${raw}`, blocks: [section(`\`${escapeMrkdwn(title)}\`:\n${code}`)] },
    };
  });
}
