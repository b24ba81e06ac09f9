import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Lab } from '../test/lab/index.js';

/**
 * Lab hosts left out so every tool does the same work on every host: four never give a shell
 * (silent, off, bad host key, refused key) and two give one where chronyc fails (daemon down, no chronyc).
 */
export const NOT_ANSWERING = [
  'client-silent',
  'client-off',
  'client-badkey',
  'client-authfail',
  'client-down',
  'client-nochrony',
];

export interface BenchInventory {
  /** Ansible YAML, the lab's own inventory minus the hosts above. */
  yamlPath: string;
  /** One address a line, for parallel-ssh -h. */
  hostsPath: string;
  addresses: string[];
}

type Group = { hosts: Record<string, { ansible_host: string }> };

/** Writes the inventory of the lab's answering hosts into the lab dir; throws unless there are `expect` of them. */
export function writeBenchInventory(lab: Lab, expect: number): BenchInventory {
  const inventory = parse(readFileSync(lab.inventoryPath, 'utf8')) as {
    all: { children: Record<string, Group> };
  };
  const addresses: string[] = [];
  for (const group of Object.values(inventory.all.children)) {
    for (const [name, vars] of Object.entries(group.hosts)) {
      if (NOT_ANSWERING.includes(name)) delete group.hosts[name];
      else addresses.push(vars.ansible_host);
    }
  }
  if (addresses.length !== expect)
    throw new Error(`bench: expected ${expect} answering hosts, the lab has ${addresses.length}`);
  const yamlPath = join(lab.dir, 'bench-inventory.yml');
  const hostsPath = join(lab.dir, 'bench-hosts');
  writeFileSync(
    yamlPath,
    `# Written by bench/: the lab's ${expect} answering hosts.\n${stringify(inventory)}`,
  );
  writeFileSync(hostsPath, `${addresses.join('\n')}\n`);
  return { yamlPath, hostsPath, addresses };
}
