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
  // `--lab <name>` (the console adapter): the lab its commands run in
  const args = process.argv.slice(2);
  const at = args.indexOf('--lab');
  const lab = at >= 0 ? args.splice(at, 2)[1] : undefined;
  if (at >= 0 && !lab) throw new ConfigError('--lab needs the name of a lab of LAB_POLICY.');
  const role = (args[0] ?? 'all') as Role;
  if (!['all', 'bot', 'worker'].includes(role)) {
    throw new ConfigError(`Unknown role "${role}": use bot, worker or nothing (both).`);
  }
  const config = loadConfig();
  logUnhandledRejections(process, createLogger(config.logLevel ?? 'info'));
  // SIGHUP: the policy file again (a bad one is logged with its problems and the old policy stays); taken from the
  // start, so a SIGHUP while labops starts is not the default action (exit)
  let reload: (() => Promise<unknown>) | undefined;
  process.on('SIGHUP', () => void reload?.());
  const labops = await startLabops(config, role, {
    stdin: process.stdin,
    stdout: process.stdout,
    ...(lab && { lab }),
  });
  reload = labops.reload;
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
