import type { CephFailure } from '../ceph-cluster/ceph-failure.js';
import type { MonFailure } from '../ceph-cluster/read-ceph.js';
import { type Line, line } from './lines.js';

// SSH failures get a word first, as /lab ntp status labels them; the ceph ones speak for themselves
const LABEL: Partial<Record<CephFailure['code'], string>> = {
  unreachable: 'unreachable',
  timeout: 'timed out',
  'hostkey-mismatch': 'host key mismatch',
  'hostkey-unknown': 'host key unknown',
};

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** "❌ mon1: unreachable: connect ECONNREFUSED …. Check that sshd runs …" per monitor that did not answer. */
export function failureLines(failed: readonly MonFailure[]): Line[] {
  return failed.map(({ host, failure: f }) => {
    const label = LABEL[f.code];
    const said = label && !f.message.includes(label) ? `${label}: ` : '';
    return line('❌ ', { bold: host }, `: ${said}${sentence(f.message)} ${sentence(f.hint)}`);
  });
}
