// Usage: tsx test/lab/cli.ts up [--dir .lab] [--net 127.0.2] [--extra N] [--ntp-admin]
// Starts the simulated lab and keeps it running until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { startLab } from './index.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: '.lab' },
    net: { type: 'string', default: '127.0.2' },
    extra: { type: 'string', default: '0' },
    'ntp-admin': { type: 'boolean', default: false },
  },
});

if (positionals[0] !== 'up') {
  console.error('usage: tsx test/lab/cli.ts up [--dir .lab] [--net 127.0.2] [--extra N] [--ntp-admin]');
  process.exit(2);
}

const lab = await startLab({
  dir: values.dir,
  net: values.net,
  extraClients: Number(values.extra),
  ntpAdmin: values['ntp-admin'],
  log: (line) => console.log(line),
});
console.log(`inventory:   ${lab.inventoryPath}`);
console.log(`known_hosts: ${lab.knownHostsPath}`);
console.log(`key:         ${lab.keyPath}`);
for (const h of lab.hosts) console.log(`  ${h.name.padEnd(18)} ${h.address}:${h.port}  ${h.scenario}`);
if (lab.ntpAdmin) {
  console.log(
    `ntp admin inventory (private /etc per host, for /lab ntp setup): ${lab.ntpAdmin.inventoryPath}`,
  );
  for (const h of lab.ntpAdmin.hosts) console.log(`  ${h.name.padEnd(18)} ${h.address}:${h.port}`);
}
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
