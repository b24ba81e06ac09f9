import type { HostError } from '../../errors.js';

/** Why a host cannot be planned or changed: what happened and what to do next. */
export interface Failure {
  message: string;
  hint: string;
  /** The SSH/host error code, when the failure came from the host. */
  code?: HostError['code'];
}

export const failureOf = (err: HostError): Failure => ({
  message: err.message,
  hint: err.hint,
  code: err.code,
});

/** sudo's refusal found before anything is tried; the same words as a refused change (see runChange). */
export function sudoBlocker(login: { host: string; user: string }, refusal: string): Failure {
  return {
    message: `sudo refused to run commands as root for ${login.user} (${refusal})`,
    hint: `Give ${login.user} passwordless sudo on ${login.host} (NOPASSWD in /etc/sudoers.d), or log in as root (ansible_user).`,
  };
}

// SSH failures get a word first, as /lab ntp status labels them; the rest speak for themselves
const LABEL: Partial<Record<HostError['code'], string>> = {
  unreachable: 'unreachable',
  timeout: 'unreachable (timed out)',
  auth: 'SSH authentication failed',
  'hostkey-mismatch': 'host key mismatch',
  'hostkey-unknown': 'host key unknown',
};

/** "unreachable: connection refused (10.0.0.5:22). Check that sshd runs …" (plain text). */
export function failureText(f: Failure): string {
  const label = f.code ? LABEL[f.code] : undefined;
  const message = /[.!?]$/.test(f.message) ? f.message : `${f.message}.`;
  return `${label ? `${label}: ` : ''}${message} ${f.hint}`;
}
