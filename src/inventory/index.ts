export { InventoryError, loadInventory, parseInventory } from './load-inventory.js';
export { describeTargets, resolveTargets, type Targets } from './resolve-targets.js';
export type { Inventory, InventoryHost } from './schema.js';
