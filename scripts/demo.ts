import { PassThrough } from 'node:stream';
import { loadConfig } from '../src/config.js';
import { startLabops } from '../src/main.js';
import { startLab } from '../test/lab/index.js';
import { ensureRedis } from '../test/lab/redis.js';

/**
 * npm run demo: a simulated lab (real sshd and chronyd on loopback), a Redis, and labops in console mode.
 * Runs /lab help and /lab ntp status, then reads more /lab commands from the terminal until end of input.
 */
async function demo(): Promise<void> {
  const say = (s: string) => process.stderr.write(`\x1b[2m${s}\x1b[0m\n`);
  say('Starting the simulated lab (sshd + chronyd per host on 127.0.3.x)…');
  const lab = await startLab({ dir: '.lab/demo', net: '127.0.3' });
  const redis = await ensureRedis(process.env.REDIS_URL);
  say(`Lab up: ${lab.hosts.length} hosts, inventory ${lab.inventoryPath}; Redis ${redis.url}`);

  process.env.REDIS_URL = redis.url;
  process.env.LAB_INVENTORY = lab.inventoryPath;
  process.env.LAB_KNOWN_HOSTS = lab.knownHostsPath;
  process.env.LAB_SSH_CONNECT_TIMEOUT_MS ??= '3000'; // the silent host would otherwise hold the demo for 10 s
  process.env.LAB_QUEUE_PREFIX ??= 'labops-demo';
  delete process.env.SLACK_BOT_TOKEN; // the demo is the console adapter

  const input = new PassThrough();
  const interactive = process.stdin.isTTY === true;
  for (const line of ['/lab help', '/lab ntp status']) {
    process.stdout.write(`lab> ${line}\n`);
    input.write(`${line}\n`);
  }
  if (interactive) say('Type more /lab commands (Ctrl-D to quit), e.g. /lab ntp status ntp_clients');
  process.stdin.pipe(input);

  const labops = await startLabops(loadConfig(), 'all', { stdin: input, stdout: process.stdout });
  const stop = async () => {
    await labops.stop();
    await lab.stop();
    await redis.stop();
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
