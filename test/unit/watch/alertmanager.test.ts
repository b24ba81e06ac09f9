import { describe, expect, it } from 'vitest';
import { payloadProblem } from '../../../src/watch/alertmanager-payload.js';
import { hostOfInstance, renderAlertmanager } from '../../../src/watch/render-alertmanager.js';

const hosts = [
  { name: 'web1', address: '10.0.0.5' },
  { name: 'db1', address: '10.0.0.6' },
];
const body = {
  version: '4',
  groupKey: '{}:{alertname="NodeClockSkew"}',
  status: 'firing',
  receiver: 'labops',
  groupLabels: { alertname: 'NodeClockSkew' },
  commonLabels: { alertname: 'NodeClockSkew' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    { status: 'firing', labels: { instance: '10.0.0.5:9100' }, annotations: { summary: 'skew <b>' } },
    { status: 'firing', labels: { instance: 'db1.lab.example:9100' }, annotations: {} },
  ],
};

describe("Alertmanager's webhook", () => {
  it('maps an instance to an inventory host by address or name, port and domain dropped', () => {
    expect(hostOfInstance('10.0.0.5:9100', hosts)).toBe('web1');
    expect(hostOfInstance('web1', hosts)).toBe('web1');
    expect(hostOfInstance('db1.lab.example:9100', hosts)).toBe('db1');
    expect(hostOfInstance('10.9.9.9:9100', hosts)).toBeUndefined();
    expect(hostOfInstance(undefined, hosts)).toBeUndefined();
  });
  it('says what is wrong with a body: JSON, version, a missing field', () => {
    expect(payloadProblem('{')).toMatchObject({ problem: expect.stringMatching(/^bad JSON: /) });
    expect(payloadProblem(JSON.stringify({ ...body, version: '3' }))).toMatchObject({
      problem: expect.stringMatching(/^not an Alertmanager v4 webhook: version: /),
    });
    const { groupKey: _g, ...noKey } = body;
    expect(payloadProblem(JSON.stringify(noKey))).toMatchObject({
      problem: expect.stringMatching(/groupKey/),
    });
    expect(payloadProblem(JSON.stringify(body))).toHaveProperty('payload');
  });
  it('renders the group with a Check button per mapped host, and escapes what the alert says', () => {
    const parsed = payloadProblem(JSON.stringify(body));
    if (!('payload' in parsed)) throw new Error(parsed.problem);
    const m = renderAlertmanager(parsed.payload, hosts);
    expect(m.text.split('\n')[0]).toBe('🔥 Alertmanager: NodeClockSkew firing (2 of 2)');
    expect(JSON.stringify(m.blocks)).toContain('skew &lt;b&gt;');
    const values = JSON.stringify(m.blocks).match(/"value":"[^"]+"/g);
    expect(values).toEqual(['"value":"web1"', '"value":"db1"']);
  });
});
