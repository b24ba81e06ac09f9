import { ParseError } from '../../errors.js';

export interface OvsInterface {
  name: string;
  /** internal, patch, vxlan, ...; undefined for a system (physical) interface. */
  type?: string;
  options: Record<string, string>;
  /** What ovs-vsctl reports as the interface's error, e.g. could not open network device. */
  error?: string;
}

export interface OvsPort {
  name: string;
  interfaces: OvsInterface[];
}

export interface OvsBridge {
  name: string;
  ports: OvsPort[];
}

/** `ovs-vsctl show`, as far as the network checks need it. */
export interface OvsShow {
  bridges: OvsBridge[];
  version?: string;
}

const unquote = (v: string) =>
  v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\"/g, '"') : v;

/** "{peer=patch-int}" or '{df_default="true", in_key=flow, remote_ip="10.0.100.88"}' */
export function parseOvsOptions(text: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:.-]+)=("(?:[^"\\]|\\.)*"|[^,}]*)/g)) {
    if (m[1]) options[m[1]] = unquote((m[2] ?? '').trim());
  }
  return options;
}

/**
 * Reads the tree `ovs-vsctl show` prints: the database UUID, then Bridge > Port > Interface with their
 * type/options/error lines, each level indented four spaces deeper. Names may be quoted (older OVS).
 */
export function parseOvsShow(text: string): OvsShow {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*$/.test(lines[0] ?? ''))
    throw new ParseError('ovs-vsctl show did not start with the database UUID', text);
  const show: OvsShow = { bridges: [] };
  let bridge: OvsBridge | undefined;
  let port: OvsPort | undefined;
  let iface: OvsInterface | undefined;
  let ifaceIndent = 0;
  for (const raw of lines.slice(1)) {
    const indent = raw.length - raw.trimStart().length;
    // a line back at the interface's own level or above closes it
    if (iface && indent <= ifaceIndent) iface = undefined;
    const [, key, rest = ''] =
      /^(Bridge|Port|Interface|type:|options:|error:|ovs_version:)\s*(.*)$/.exec(raw.trim()) ?? [];
    const value = unquote(rest);
    switch (key) {
      case 'Bridge':
        bridge = { name: value, ports: [] };
        show.bridges.push(bridge);
        port = undefined;
        break;
      case 'Port':
        port = bridge && { name: value, interfaces: [] };
        if (port) bridge?.ports.push(port);
        break;
      case 'Interface':
        iface = port && { name: value, options: {} };
        ifaceIndent = indent;
        if (iface) port?.interfaces.push(iface);
        break;
      case 'type:':
        if (iface) iface.type = value;
        break;
      case 'options:':
        if (iface) iface.options = parseOvsOptions(rest.replace(/^\{|\}$/g, ''));
        break;
      case 'error:':
        if (iface) iface.error = value;
        break;
      case 'ovs_version:':
        show.version = value;
        break;
    }
  }
  return show;
}
