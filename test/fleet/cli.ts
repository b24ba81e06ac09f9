// `npm run fleet -- up N [--net 127.64] [--port 2222] [--dir .lab/fleet] [--slow-ms 1500] [--key-pool K]`:
// N simulated SSH hosts in this process, up until Ctrl-C. Prints the inventory and known_hosts it wrote.
import { resolve } from 'node:path';
import { ensureFdLimit } from './fd-limit.js';
import { startFleet } from './index.js';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const [verb, countText] = args;
  const count = Number(countText);
  if (verb !== 'up' || !Number.isInteger(count) || count < 1 || count > 200_000) {
    process.stderr.write(
      'usage: npm run fleet -- up N [--net 127.64] [--port 2222] [--dir .lab/fleet] [--slow-ms 1500] [--key-pool K]\n',
    );
    process.exit(2);
  }
  const net = option(args, '--net') ?? '127.64';
  // every host listens (one fd) and may hold one connection from labops (one more); startFleet refuses otherwise
  const fds = ensureFdLimit(2 * count + 100);
  const began = Date.now();
  const fleet = await startFleet({
    count,
    net,
    dir: resolve(option(args, '--dir') ?? '.lab/fleet'),
    port: Number(option(args, '--port') ?? 2222),
    slowMs: Number(option(args, '--slow-ms') ?? 1500),
    keyPool: Number(option(args, '--key-pool') ?? 0),
  });
  const count_ = (k: string, v: string) =>
    fleet.hosts.filter((h) => (h as unknown as Record<string, string>)[k] === v).length;
  process.stdout.write(
    [
      `fleet: ${count} hosts on ${fleet.hosts[0]?.address} .. ${fleet.hosts.at(-1)?.address} port ${fleet.port}, up in ${Date.now() - began} ms (fd limit ${fds.soft})`,
      `  states: sync ${count_('state', 'sync')}, drift ${count_('state', 'drift')}, unsync ${count_('state', 'unsync')}, daemon-down ${count_('state', 'daemon-down')}`,
      `  behaviours: answers ${count_('behaviour', 'answers')}, slow ${count_('behaviour', 'slow')}, refused ${count_('behaviour', 'refused')}, wrong-key ${count_('behaviour', 'wrong-key')}`,
      `inventory:   ${fleet.inventoryPath}`,
      `known_hosts: ${fleet.knownHostsPath}`,
      `key:         ${fleet.keyPath}`,
      `LAB_INVENTORY=${fleet.inventoryPath} LAB_KNOWN_HOSTS=${fleet.knownHostsPath}`,
      'Ctrl-C stops the fleet.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    process.stdout.write(
      `fleet: stopping (served ${fleet.counters.commands} commands on ${fleet.counters.connections} connections)\n`,
    );
    fleet.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`fleet: ${err.message}\n`);
  process.exit(1);
});
