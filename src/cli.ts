import { ConfigError, loadConfig } from './config.js';
import { doctorMain } from './doctor/doctor-main.js';
import { InventoryError } from './inventory/index.js';
import { logUnhandledRejections } from './log/log-unhandled.js';
import { createLogger } from './log/logger.js';
import { type Role, startLabops } from './main.js';

/** Entry point of npm start / npm run bot / npm run worker. */
async function run(): Promise<void> {
  // npm run doctor: checks everything labops needs, changes nothing, exits 1 when something blocks
  if (process.argv[2] === 'doctor') {
    const manifest = new URL('../slack-app-manifest.yml', import.meta.url).pathname;
    process.exit(await doctorMain(loadConfig, (t) => process.stdout.write(t), manifest));
  }
  const role = (process.argv[2] ?? 'all') as Role;
  if (!['all', 'bot', 'worker'].includes(role)) {
    throw new ConfigError(`Unknown role "${role}": use bot, worker or nothing (both).`);
  }
  const config = loadConfig();
  logUnhandledRejections(process, createLogger(config.logLevel ?? 'info'));
  const labops = await startLabops(config, role, { stdin: process.stdin, stdout: process.stdout });
  const exit = (code: number) => labops.stop().then(() => process.exit(code));
  process.once('SIGTERM', () => exit(0));
  process.once('SIGINT', () => exit(0));
  if (labops.consoleDone) {
    await labops.consoleDone;
    await exit(0);
  }
}

run().catch((err: Error) => {
  const known = err instanceof ConfigError || err instanceof InventoryError;
  process.stderr.write(`${known ? err.message : `labops failed: ${err.stack ?? err.message}`}\n`);
  process.exit(known ? 2 : 1);
});
