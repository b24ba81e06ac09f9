/** SELinux modes as /etc/selinux/config and getenforce name them (lower case here). */
export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled';

const KEY = /^\s*SELINUX\s*=\s*(\S*)\s*$/;

/** The SELINUX= value of /etc/selinux/config (the last one counts); undefined when the key is missing. */
export function selinuxConfigMode(text: string): string | undefined {
  let mode: string | undefined;
  for (const line of text.split('\n')) {
    const m = KEY.exec(line);
    if (m) mode = (m[1] ?? '').replace(/^["']|["']$/g, '').toLowerCase();
  }
  return mode;
}

/**
 * /etc/selinux/config with SELINUX= set to `mode`, edited by key: every SELINUX= line is rewritten, comments,
 * SELINUXTYPE and the rest stay as they are; the key is appended when it is missing.
 */
export function withSelinuxMode(text: string, mode: SelinuxMode): string {
  let found = false;
  const lines = text.split('\n').map((line) => {
    if (!KEY.test(line)) return line;
    found = true;
    return `SELINUX=${mode}`;
  });
  if (found) return lines.join('\n');
  const base = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${base}SELINUX=${mode}\n`;
}

/** getenforce's answer ("Enforcing", "Permissive", "Disabled") as a mode; undefined for anything else. */
export function parseGetenforce(output: string): SelinuxMode | undefined {
  const word = output.trim().toLowerCase();
  return word === 'enforcing' || word === 'permissive' || word === 'disabled' ? word : undefined;
}
