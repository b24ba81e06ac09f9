import { loadInventory } from '../../src/inventory/index.js';
import { SshPool } from '../../src/ssh/ssh-pool.js';
import { checkHost } from '../../src/tasks/chrony/check-host.js';

/**
 * Waits until labops' own check (chronyc over SSH) finds `host` in sync. The lab starts with ntp-fast at +3 s and
 * client-drift follows it alone: a watch started before client-drift has caught up with a new offset alerts on the
 * old one, an incident the test did not cause.
 */
export async function untilHostInSync(
  lab: { inventoryPath: string; knownHostsPath: string },
  name: string,
  ms = 30_000,
): Promise<void> {
  const inventory = await loadInventory(lab.inventoryPath, { user: 'root' });
  const host = inventory.hosts.get(name);
  if (!host) throw new Error(`no ${name} in ${lab.inventoryPath}`);
  const ssh = new SshPool({
    knownHostsPath: lab.knownHostsPath,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 5000,
    idleMs: 5000,
    concurrency: 4,
  });
  const end = Date.now() + ms;
  let last = '';
  try {
    for (;;) {
      const status = await checkHost(ssh, host, { warnMs: 50, critMs: 500 });
      if (status.state === 'ok') return;
      last = status.state;
      if (Date.now() > end) throw new Error(`waited ${ms} ms for ${name} in sync (last seen: ${last})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await ssh.close();
  }
}
