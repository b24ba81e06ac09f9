import type { Step } from './plan-networks.js';

/** The openstack CLI words for one step (without `-f json`), as CLI.md and the runbook spell them. */
export function stepArgs(step: Step): string[] {
  switch (step.op) {
    case 'network': {
      const { spec } = step;
      return spec.external
        ? [
            'network',
            'create',
            '--external',
            '--provider-network-type',
            'flat',
            '--provider-physical-network',
            spec.physicalNetwork ?? '',
            spec.name,
          ]
        : ['network', 'create', '--internal', spec.name];
    }
    case 'subnet': {
      const { spec } = step;
      return [
        'subnet',
        'create',
        '--network',
        step.network,
        '--subnet-range',
        spec.cidr,
        '--gateway',
        spec.gateway,
        ...spec.dns.flatMap((d) => ['--dns-nameserver', d]),
        spec.dhcp ? '--dhcp' : '--no-dhcp',
        ...(spec.pool ? ['--allocation-pool', `start=${spec.pool.start},end=${spec.pool.end}`] : []),
        spec.name,
      ];
    }
    case 'router':
      return ['router', 'create', step.name];
    case 'gateway':
      return ['router', 'set', '--external-gateway', step.network, step.router];
    case 'interface':
      return ['router', 'add', 'subnet', step.router, step.subnet];
  }
}

/** Creates print the new resource with -f json; `router set` and `router add subnet` print nothing. */
export function stepPrintsJson(step: Step): boolean {
  return step.op === 'network' || step.op === 'subnet' || step.op === 'router';
}
