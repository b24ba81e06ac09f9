/** A KEY=value line of a packstack answer file: keys are upper case; comments start with '#'. */
const KEY_LINE = /^([A-Z][A-Z0-9_]*)=(.*)$/;

/** The value of a key (the last line counts, as for packstack's ConfigParser); undefined when absent. */
export function readAnswer(text: string, key: string): string | undefined {
  let value: string | undefined;
  for (const line of text.split('\n')) {
    const m = KEY_LINE.exec(line.replace(/\r$/, ''));
    if (m?.[1] === key) value = m[2];
  }
  return value;
}

/**
 * The answer file with the given keys set, edited by key, never by line number: each existing KEY= line gets the
 * new value and everything else (comments, blank lines, other keys, line endings) stays byte for byte. A key the
 * file lacks is appended at the end (packstack's file has the one [general] section).
 */
export function setAnswers(text: string, changes: Readonly<Record<string, string>>): string {
  const pending = new Map(Object.entries(changes));
  for (const [key, value] of pending) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(key)) throw new Error(`not an answer-file key: ${key}`);
    if (/[\r\n]/.test(value)) throw new Error(`the value of ${key} must be one line`);
  }
  const done = new Set<string>();
  const lines = text.split('\n').map((line) => {
    const cr = line.endsWith('\r') ? '\r' : '';
    const m = KEY_LINE.exec(cr ? line.slice(0, -1) : line);
    const key = m?.[1];
    if (key === undefined || !pending.has(key)) return line;
    done.add(key);
    return `${key}=${pending.get(key)}${cr}`;
  });
  const missing = [...pending].filter(([key]) => !done.has(key));
  if (missing.length === 0) return lines.join('\n');
  const body = lines.join('\n');
  const sep = body === '' || body.endsWith('\n') ? '' : '\n';
  return `${body}${sep}${missing.map(([k, v]) => `${k}=${v}\n`).join('')}`;
}

/** Neutron's L2 backend as the answer file chooses it: OVN on recent releases, Open vSwitch (ML2/OVS) before. */
export type NeutronBackend = 'ovn' | 'openvswitch';

export function neutronBackend(text: string): NeutronBackend {
  return readAnswer(text, 'CONFIG_NEUTRON_L2_AGENT')?.trim() === 'openvswitch' ? 'openvswitch' : 'ovn';
}

/** The key that puts the external interface on br-ex for the backend (see ANSWERFILE.md). */
export const bridgeIfacesKey = (backend: NeutronBackend) =>
  backend === 'ovn' ? 'CONFIG_NEUTRON_OVN_BRIDGE_IFACES' : 'CONFIG_NEUTRON_OVS_BRIDGE_IFACES';

/**
 * The runbook's edits: one admin password for everything, no telemetry (Ceilometer, Aodh), no demo project,
 * br-ex on the external interface; then the inventory's own `packstack_answers`, which win.
 */
export function runbookAnswers(
  generated: string,
  o: { password: string; extIface: string; extra?: Readonly<Record<string, string>> },
): Record<string, string> {
  return {
    CONFIG_DEFAULT_PASSWORD: o.password,
    CONFIG_KEYSTONE_ADMIN_PW: o.password,
    CONFIG_CEILOMETER_INSTALL: 'n',
    CONFIG_AODH_INSTALL: 'n',
    CONFIG_PROVISION_DEMO: 'n',
    [bridgeIfacesKey(neutronBackend(generated))]: `br-ex:${o.extIface}`,
    ...o.extra,
  };
}
