// Usage: tsx test/lab/cli.ts up [--dir .lab] [--net 127.0.2] [--extra N]
// Starts the simulated lab and keeps it running until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { startLab } from './index.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: '.lab' },
    net: { type: 'string', default: '127.0.2' },
    extra: { type: 'string', default: '0' },
  },
});

if (positionals[0] !== 'up') {
  console.error('usage: tsx test/lab/cli.ts up [--dir .lab] [--net 127.0.2] [--extra N]');
  process.exit(2);
}

const lab = await startLab({
  dir: values.dir,
  net: values.net,
  extraClients: Number(values.extra),
  log: (line) => console.log(line),
});
console.log(`inventory:   ${lab.inventoryPath}`);
console.log(`known_hosts: ${lab.knownHostsPath}`);
console.log(`key:         ${lab.keyPath}`);
for (const h of lab.hosts) console.log(`  ${h.name.padEnd(18)} ${h.address}:${h.port}  ${h.scenario}`);
console.log('lab is up; Ctrl-C stops it');

// keeps node alive: the daemons are unref'd
const keepAlive = setInterval(() => {}, 60_000);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    clearInterval(keepAlive);
    lab.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
