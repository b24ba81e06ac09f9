import { describe, expect, it } from 'vitest';
import { alertsByLab, instancesText } from '../../../src/watch/alertmanager-labs.js';
import { AlertmanagerPayload } from '../../../src/watch/alertmanager-payload.js';

const alpha = { name: 'alpha', hosts: [{ name: 'web1', address: '10.0.0.5' }], alertChannel: 'CALPHA' };
const beta = { name: 'beta', hosts: [{ name: 'db1', address: '10.0.1.6' }] };
const alert = (instance: string | undefined, status: 'firing' | 'resolved') => ({
  status,
  labels: (instance === undefined ? {} : { instance }) as Record<string, string>,
  annotations: {},
});
const payload = AlertmanagerPayload.parse({
  version: '4',
  groupKey: '{}:{alertname="NodeClockSkew"}',
  status: 'firing',
  groupLabels: {},
  commonLabels: { alertname: 'NodeClockSkew' },
  commonAnnotations: {},
  alerts: [
    alert('10.0.0.5:9100', 'resolved'),
    alert('db1.lab.example:9100', 'firing'),
    alert('web1', 'firing'),
    alert('10.9.9.9:9100', 'firing'),
    alert(undefined, 'firing'),
  ],
});

describe('Alertmanager alerts by lab (LAB_POLICY)', () => {
  it('gives each lab its own alerts, with a status of its own; the others are unknown', () => {
    const routed = alertsByLab(payload, [alpha, beta]);
    expect(
      routed.labs.map((l) => [l.lab.name, l.payload.status, l.payload.alerts.map((a) => a.labels.instance)]),
    ).toEqual([
      ['alpha', 'firing', ['10.0.0.5:9100', 'web1']],
      ['beta', 'firing', ['db1.lab.example:9100']],
    ]);
    expect(routed.labs[0]?.payload.groupKey).toBe(payload.groupKey);
    expect(routed.unknown).toEqual(['10.9.9.9:9100', '(no instance)']);
  });
  it('a lab whose alerts all resolved is resolved even while the group fires elsewhere', () => {
    const only = { ...payload, alerts: [alert('10.0.0.5:9100', 'resolved'), alert('db1', 'firing')] };
    const routed = alertsByLab(only, [alpha, beta]);
    expect(routed.labs.map((l) => [l.lab.name, l.payload.status])).toEqual([
      ['alpha', 'resolved'],
      ['beta', 'firing'],
    ]);
  });
  it('shows at most five instances, quoted and cut (they are whatever the sender put there)', () => {
    const many = Array.from({ length: 7 }, (_, i) => `h${i}\n${'x'.repeat(200)}`);
    const text = instancesText(many);
    expect(text).toMatch(/^"h0\\nx+", /);
    expect(text).toMatch(/ and 2 more$/);
    expect(text).not.toContain('\n');
    expect(text.length).toBeLessThan(5 * 110 + 20);
  });
});
