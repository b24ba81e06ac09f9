import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { startLabops } from '../src/main.js';
import { inventoryWithControllerVars, setUpDeployStandIns } from '../test/lab/deploy-stand-ins.js';
import { startLab } from '../test/lab/index.js';
import { ensureRedis } from '../test/lab/redis.js';
import { startFakeOpenstack } from '../test/support/fake-openstack.js';

/** The demo's OpenStack admin password: labops takes it from the environment, never from chat. */
const DEMO_PASSWORD = 'demo-admin-pw';

/**
 * npm run demo: a simulated lab (real sshd and chronyd on loopback, and a controller whose packstack, dnf and
 * systemctl are stand-ins and whose real openstack CLI talks to a fake Keystone/Neutron), a Redis, and labops in
 * console mode. Runs /lab help and /lab ntp status, then reads more /lab commands from the terminal until end of
 * input: /lab deploy openstack, then /lab network setup and list, work on the controller.
 */
/** A demo starts clean: jobs, plans, audit and watch state an earlier demo left under its prefix go. */
async function forgetEarlierDemos(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    const keys: string[] = [];
    for await (const batch of client.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.unlink(...keys);
  } finally {
    client.disconnect();
  }
}

async function demo(): Promise<void> {
  const say = (s: string) => process.stderr.write(`\x1b[2m${s}\x1b[0m\n`);
  say('Starting the simulated lab (sshd + chronyd per host on loopback)…');
  const openstack = await startFakeOpenstack({ password: DEMO_PASSWORD });
  // LABOPS_DEMO_DIR / LABOPS_DEMO_NET: where the demo's lab lives (its test runs one beside a real demo)
  const lab = await startLab({
    dir: process.env.LABOPS_DEMO_DIR ?? '.lab/demo',
    net: process.env.LABOPS_DEMO_NET ?? '127.0.3',
    controller: { authUrl: openstack.authUrl },
  });
  const hostDir = dirname(lab.commandLogPath('controller'));
  const standIns = setUpDeployStandIns(hostDir, { authUrl: openstack.authUrl, stepDelay: 0.1 });
  rmSync(join(hostDir, 'home', 'keystonerc_admin'), { force: true }); // packstack writes it
  const inventory = inventoryWithControllerVars(lab.inventoryPath, standIns.vars);
  const redis = await ensureRedis(process.env.REDIS_URL);
  say(`Lab up: ${lab.hosts.length} hosts, inventory ${inventory}; Redis ${redis.url}`);

  process.env.REDIS_URL = redis.url;
  process.env.LAB_INVENTORY = inventory;
  // the fake Keystone knows the demo's password only; a real one from this shell is never used here
  process.env.LAB_OPENSTACK_ADMIN_PASSWORD = DEMO_PASSWORD;
  delete process.env.LAB_OPENSTACK_ADMIN_PASSWORD_FILE;
  process.env.LAB_KNOWN_HOSTS = lab.knownHostsPath;
  process.env.LAB_SSH_CONNECT_TIMEOUT_MS ??= '3000'; // the silent host would otherwise hold the demo for 10 s
  process.env.LAB_QUEUE_PREFIX ??= 'labops-demo';
  // only ever a demo's own keys: a shell that points REDIS_URL and LAB_QUEUE_PREFIX at a real labops keeps its data
  if (process.env.LAB_QUEUE_PREFIX.startsWith('labops-demo'))
    await forgetEarlierDemos(redis.url, process.env.LAB_QUEUE_PREFIX);
  delete process.env.SLACK_BOT_TOKEN; // the demo is the console adapter

  const interactive = process.stdin.isTTY === true;
  if (interactive)
    say(
      'Type more /lab commands (Ctrl-D to quit), e.g. /lab ntp status ntp_clients, /lab deploy openstack (then "yes"), /lab network setup',
    );
  const labops = await startLabops(loadConfig(), 'all', {
    stdin: process.stdin,
    stdout: process.stdout,
    commands: ['/lab help', '/lab ntp status'],
  });
  const stop = async () => {
    await labops.stop();
    await lab.stop();
    await redis.stop();
    await openstack.close();
  };
  process.once('SIGINT', () => stop().then(() => process.exit(130)));
  await labops.consoleDone;
  await stop();
  say('Demo over: the lab and everything it started are stopped.');
  process.exit(0); // stdin may still hold the event loop open
}

demo().catch((err: Error) => {
  process.stderr.write(`demo failed: ${err.message}\n`);
  process.exit(1);
});
