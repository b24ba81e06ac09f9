import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createPager } from '../../../src/watch/pager.js';
import { ackEvent, pagerEventOf } from '../../../src/watch/pagerduty-event.js';
import type { Announcement } from '../../../src/watch/watch-state.js';

const AT = Date.UTC(2026, 11, 7);
const alert: Announcement = {
  kind: 'alert',
  host: 'web1',
  incident: `web1@${AT}`,
  state: 'critical',
  from: 'ok',
  since: AT,
  observation: { at: AT, state: 'critical', reason: 'offset 3 s' },
  opens: true,
  closes: false,
};

describe('PagerDuty events of drift announcements', () => {
  it('trigger on a critical alert, resolve on recovery, acknowledge: one dedup key per host and incident', () => {
    const trigger = pagerEventOf(alert, 'RK');
    expect(trigger).toEqual({
      routing_key: 'RK',
      event_action: 'trigger',
      dedup_key: `labops-drift-web1@${AT}`,
      payload: { summary: 'web1 clock critical: offset 3 s', source: 'web1', severity: 'critical' },
    });
    const resolve = pagerEventOf(
      { ...alert, kind: 'recovery', state: 'ok', opens: false, closes: true },
      'RK',
    );
    expect(resolve).toMatchObject({ event_action: 'resolve', dedup_key: trigger?.dedup_key });
    expect(ackEvent(alert.incident, 'RK')).toMatchObject({
      event_action: 'acknowledge',
      dedup_key: trigger?.dedup_key,
    });
  });
  it('a warning or a change inside an incident pages nobody', () => {
    expect(pagerEventOf({ ...alert, state: 'warning' }, 'RK')).toBeUndefined();
    expect(pagerEventOf({ ...alert, kind: 'change', opens: false }, 'RK')).toBeUndefined();
  });
});

describe('the pager', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('sends in order and retries 5xx with backoff; send() never waits', async () => {
    const got: string[] = [];
    let failFirst = true;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failFirst) {
          failFirst = false;
          res.writeHead(503).end();
          return;
        }
        got.push((JSON.parse(body) as { event_action: string }).event_action);
        res.writeHead(202).end('{"status":"success"}');
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const pager = createPager({
      url: `http://127.0.0.1:${port}/v2/enqueue`,
      backoffMs: 10,
      log: pino({ level: 'silent' }),
    });
    pager.send(pagerEventOf(alert, 'RK') ?? ackEvent('x', 'RK'));
    pager.send(ackEvent(alert.incident, 'RK'));
    expect(got).toEqual([]); // nothing awaited by the caller
    const end = Date.now() + 10_000;
    while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['trigger', 'acknowledge']);
    await pager.close();
  });

  it('gives up after its attempts when PagerDuty does not answer, saying so in the log, without throwing', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    const pager = createPager({ url: 'http://127.0.0.1:9/v2/enqueue', attempts: 2, backoffMs: 10, log });
    pager.send(ackEvent('x', 'RK'));
    const end = Date.now() + 10_000;
    while (lines.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await pager.close();
    expect(lines.filter((l) => l.includes('PagerDuty event not sent'))).toHaveLength(2);
    expect(lines.join('')).not.toContain('RK'); // the routing key is a secret
  });
});
