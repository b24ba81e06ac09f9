import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One event as PagerDuty's Events API v2 takes it (POST /v2/enqueue). */
export interface PagedEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; source: string; severity: string };
}

export interface FakePagerDuty {
  /** For LAB_PAGERDUTY_URL. */
  url: string;
  /** Every accepted event, in the order it came. */
  events: PagedEvent[];
  close(): Promise<void>;
}

const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** What PagerDuty would refuse with 400 "invalid event", by its documented rules; none: the event is valid. */
function problems(e: Partial<PagedEvent>): string[] {
  const out: string[] = [];
  if (typeof e.routing_key !== 'string' || e.routing_key.length === 0) out.push('routing_key is required');
  if (!ACTIONS.has(String(e.event_action))) out.push('event_action must be trigger, acknowledge or resolve');
  if (e.event_action !== 'trigger' && !e.dedup_key) out.push('dedup_key is required for acknowledge/resolve');
  if (e.event_action === 'trigger') {
    const p = e.payload;
    if (!p?.summary || p.summary.length > 1024)
      out.push('payload.summary is required (at most 1024 characters)');
    if (!p?.source) out.push('payload.source is required');
    if (!SEVERITIES.has(String(p?.severity))) out.push('payload.severity is invalid');
  }
  return out;
}

/**
 * A PagerDuty Events API v2 receiver on 127.0.0.1: 202 with PagerDuty's answer for a valid event (recorded), 400
 * "invalid event" with the errors for an invalid one (not recorded), 404 off /v2/enqueue.
 */
export async function startFakePagerDuty(): Promise<FakePagerDuty> {
  const events: PagedEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method !== 'POST' || req.url !== '/v2/enqueue') return json(404, { status: 'not found' });
      let event: Partial<PagedEvent>;
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return json(400, {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: ['bad JSON'],
        });
      }
      const errors = problems(event);
      if (errors.length > 0)
        return json(400, { status: 'invalid event', message: 'Event object is invalid', errors });
      events.push(event as PagedEvent);
      json(202, { status: 'success', message: 'Event processed', dedup_key: event.dedup_key });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v2/enqueue`,
    events,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
