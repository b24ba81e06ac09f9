/**
 * Alertmanager's webhook body, version 4, as its webhook_config sends it: one NodeClockSkew alert per instance,
 * firing or resolved, in one group.
 */
export function alertmanagerBody(
  status: 'firing' | 'resolved',
  instances: string[],
  groupKey = '{}:{alertname="NodeClockSkew"}',
) {
  return {
    receiver: 'labops',
    status,
    alerts: instances.map((instance, i) => ({
      status,
      labels: { alertname: 'NodeClockSkew', instance, job: 'node', severity: 'critical' },
      annotations: { summary: `Clock skew detected on ${instance}` },
      startsAt: '2026-12-07T08:00:00.000Z',
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-12-07T08:10:00.000Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=node_timex_offset_seconds',
      fingerprint: `a1b2c3d4e5f6${i}`,
    })),
    groupLabels: { alertname: 'NodeClockSkew' },
    commonLabels: { alertname: 'NodeClockSkew', job: 'node', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
}
