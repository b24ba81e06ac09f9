import { type GroupNode, HostVars, type Inventory, type InventoryHost } from './schema.js';

interface Defaults {
  user: string;
  keyPath?: string;
}

/**
 * Flattens the group tree with Ansible's precedence for the subset we read: all.vars, then the host's groups
 * from outer to inner (by name at equal depth), then the host's own vars from wherever it is listed.
 */
export function buildInventory(root: GroupNode, defaults: Defaults): Inventory {
  const groupVars = new Map<string, { depth: number; vars: Record<string, unknown> }>();
  const members = new Map<string, Set<string>>(); // group -> hosts, children included
  const hostVars = new Map<string, Record<string, unknown>>();

  const visit = (name: string, node: GroupNode, depth: number, trail: string[]): Set<string> => {
    const set = members.get(name) ?? new Set<string>();
    members.set(name, set);
    if (trail.includes(name)) return set; // a group inside itself: Ansible refuses too, we stop here
    const known = groupVars.get(name);
    groupVars.set(name, {
      depth: Math.min(depth, known?.depth ?? depth),
      vars: { ...known?.vars, ...node.vars },
    });
    for (const [host, vars] of Object.entries(node.hosts ?? {})) {
      set.add(host);
      hostVars.set(host, { ...hostVars.get(host), ...vars });
    }
    for (const [child, childNode] of Object.entries(node.children ?? {})) {
      for (const h of visit(child, childNode ?? {}, depth + 1, [...trail, name])) set.add(h);
    }
    return set;
  };
  visit('all', root, 0, []);

  const hosts = new Map<string, InventoryHost>();
  for (const [name, own] of hostVars) {
    const groups = [...members].filter(([g, m]) => g !== 'all' && m.has(name)).map(([g]) => g);
    const layers = groups
      .map((g) => ({ g, ...(groupVars.get(g) ?? { depth: 0, vars: {} }) }))
      .sort((a, b) => a.depth - b.depth || a.g.localeCompare(b.g))
      .map((l) => l.vars);
    const vars = HostVars.parse(Object.assign({}, groupVars.get('all')?.vars, ...layers, own));
    hosts.set(name, {
      name,
      address: vars.ansible_host ?? name,
      port: vars.ansible_port ?? 22,
      user: vars.ansible_user ?? defaults.user,
      keyPath: vars.ansible_ssh_private_key_file ?? defaults.keyPath,
      groups: groups.sort(),
      vars,
    });
  }
  return {
    hosts,
    groups: new Map([...members].map(([g, m]) => [g, [...m].sort()])),
  };
}
