/** The parts of /etc/os-release labops reads. */
export interface OsRelease {
  id: string;
  idLike: string[];
  /** PRETTY_NAME, or NAME, or the id. */
  name: string;
}

export type OsFamily = 'rhel' | 'debian';

/** Parses os-release(5): KEY=value lines, values optionally quoted with shell-style escapes. */
export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(raw);
    if (!m?.[1]) continue;
    let value = (m[2] ?? '').trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\([$"`\\])/g, '$1');
    }
    fields.set(m[1], value);
  }
  const id = (fields.get('ID') ?? '').toLowerCase();
  const idLike = (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return { id, idLike, name: fields.get('PRETTY_NAME') || fields.get('NAME') || id || 'unknown' };
}

const RHEL = new Set(['rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'ol', 'prolinux', 'amzn']);
const DEBIAN = new Set(['debian', 'ubuntu']);

/** The family whose chrony packaging the host follows, from ID then ID_LIKE; undefined when neither. */
export function osFamily(os: OsRelease): OsFamily | undefined {
  for (const id of [os.id, ...os.idLike]) {
    if (RHEL.has(id)) return 'rhel';
    if (DEBIAN.has(id)) return 'debian';
  }
  return undefined;
}

/** Where chrony's configuration lives and what its systemd unit is called, per family. */
export const CHRONY_LOCATION: Readonly<Record<OsFamily, { confPath: string; service: string }>> = {
  rhel: { confPath: '/etc/chrony.conf', service: 'chronyd' },
  debian: { confPath: '/etc/chrony/chrony.conf', service: 'chrony' },
};

/**
 * The host's chrony.conf path and unit: the inventory's chrony_conf_path / chrony_service win, else the family's.
 * A problem in words when the family is unknown and the inventory does not say.
 */
export function chronyLocation(
  os: OsRelease,
  vars: { chrony_conf_path?: string; chrony_service?: string },
): { confPath: string; service: string } | { problem: string; hint: string } {
  const family = osFamily(os);
  const known = family ? CHRONY_LOCATION[family] : undefined;
  const confPath = vars.chrony_conf_path ?? known?.confPath;
  const service = vars.chrony_service ?? known?.service;
  if (confPath && service) return { confPath, service };
  return {
    problem: `unknown OS family (${os.name}, ID=${os.id || 'none'}): labops knows where chrony lives on RHEL- and Debian-like systems only`,
    hint: 'Set chrony_conf_path and chrony_service for this host in the inventory.',
  };
}
