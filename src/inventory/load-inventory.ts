import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { buildInventory } from './build-inventory.js';
import { type Inventory, InventoryFile } from './schema.js';

export class InventoryError extends Error {
  override readonly name = 'InventoryError';
}

/** Parses inventory YAML text; errors name the file and the path of the bad key. */
export function parseInventory(
  text: string,
  source: string,
  defaults: { user: string; keyPath?: string },
): Inventory {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InventoryError(`${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || !('all' in doc)) {
    throw new InventoryError(`${source}: the file needs a top-level "all:" key (Ansible YAML inventory)`);
  }
  const parsed = InventoryFile.safeParse(doc);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new InventoryError(`${source}: the inventory has bad values:\n${lines.join('\n')}`);
  }
  return buildInventory(parsed.data.all, defaults);
}

export async function loadInventory(
  path: string,
  defaults: { user: string; keyPath?: string },
): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InventoryError(
      `cannot read the inventory ${path} (${(err as NodeJS.ErrnoException).code}); set LAB_INVENTORY to your Ansible inventory file`,
    );
  }
  return parseInventory(text, path, defaults);
}
