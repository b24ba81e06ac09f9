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

/** The family whose packaging the host follows (chrony's paths, RDO's support), from ID then ID_LIKE; undefined when neither. */
export function osFamily(os: OsRelease): OsFamily | undefined {
  for (const id of [os.id, ...os.idLike]) {
    if (RHEL.has(id)) return 'rhel';
    if (DEBIAN.has(id)) return 'debian';
  }
  return undefined;
}
