import { escapeMrkdwn, type TextStyle } from '../../chat/mrkdwn.js';
import type { HostErrorCode } from '../../errors.js';
import type { NtpHostStatus, NtpState } from './classify.js';
import { formatOffset } from './format-offset.js';

export const STATE_EMOJI: Readonly<Record<NtpState, string>> = {
  ok: '✅',
  warning: '⚠️',
  critical: '🔴',
  unsynchronised: '🟠',
  error: '❌',
};

export const ERROR_LABEL: Readonly<Record<HostErrorCode, string>> = {
  unreachable: 'unreachable',
  timeout: 'unreachable (timed out)',
  auth: 'authentication failed',
  'hostkey-mismatch': 'host key mismatch',
  'hostkey-unknown': 'host key unknown',
  'command-missing': 'chronyc missing',
  'daemon-down': 'chronyd down',
  'command-failed': 'chronyc failed',
  'not-checked': 'not checked',
};

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * One line per host, e.g. "✅ client-sync: in sync, ^* 127.0.2.1 (stratum 3), offset 1.4 µs fast, reach 377", and
 * after it a note when the host printed more than labops keeps.
 */
export function hostLine(status: NtpHostStatus, style: TextStyle): string {
  const line = stateLine(status, style);
  if (!status.outputCut) return line;
  return `${line} (chronyc printed more than labops reads: ${status.outputCut}; look at its output on the host)`;
}

function stateLine(status: NtpHostStatus, style: TextStyle): string {
  const esc = style === 'mrkdwn' ? escapeMrkdwn : (t: string) => t;
  const host = style === 'mrkdwn' ? `*${esc(status.host)}*` : status.host;
  // in mrkdwn the "^*" marker goes in code so its asterisk cannot start bold text
  const selected = (s: NonNullable<NtpHostStatus['selected']>) =>
    style === 'mrkdwn' ? `\`^* ${esc(s.address)}\`` : `^* ${s.address}`;
  const head = `${STATE_EMOJI[status.state]} ${host}`;
  const reason = esc(status.reason ?? '');
  const hint = status.hint ? ` ${esc(sentence(status.hint))}` : '';
  const sel = status.selected;
  switch (status.state) {
    case 'ok':
      if (!sel) return `${head}: in sync, ${reason}`;
      return `${head}: in sync, ${selected(sel)} (stratum ${sel.stratum}), offset ${formatOffset(status.offsetSeconds ?? 0)}, reach ${esc(sel.reachRaw)}`;
    case 'warning':
    case 'critical':
      return `${head}: drifting, ${reason}${sel ? `, ${selected(sel)}, reach ${esc(sel.reachRaw)}` : ''}`;
    case 'unsynchronised':
      return `${head}: not synchronised: ${sentence(reason)}${hint}`;
    case 'error':
      return `${head}: ${status.errorCode ? ERROR_LABEL[status.errorCode] : 'error'}: ${sentence(reason)}${hint}`;
  }
}
