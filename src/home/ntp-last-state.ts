import type { Redis } from 'ioredis';
import { z } from 'zod';

/** One host's state as the last finished `/lab ntp status` found it. */
export const LastNtpState = z.object({
  state: z.enum(['ok', 'warning', 'critical', 'unsynchronised', 'error']),
  offsetSeconds: z.number().optional(),
  errorCode: z.string().optional(),
  at: z.number(),
});
export type LastNtpState = z.infer<typeof LastNtpState>;

const StatusResult = z.object({
  hosts: z.array(
    z.object({
      host: z.string(),
      state: LastNtpState.shape.state,
      offsetSeconds: z.number().optional(),
      errorCode: z.string().optional(),
    }),
  ),
});

/** The last NTP state of every host, in one Redis hash; written when an ntp.status job finishes. */
export class NtpLastStates {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:ntp:last`;
  }

  /** Keeps each host of an ntp.status result; anything else is ignored. */
  async record(result: unknown, at: number): Promise<void> {
    const parsed = StatusResult.safeParse(result);
    if (!parsed.success || parsed.data.hosts.length === 0) return;
    const fields = parsed.data.hosts.flatMap(({ host, ...rest }) => [host, JSON.stringify({ ...rest, at })]);
    await this.redis.hset(this.key, ...fields);
  }

  async all(): Promise<Map<string, LastNtpState>> {
    const raw = await this.redis.hgetall(this.key);
    const out = new Map<string, LastNtpState>();
    for (const [host, json] of Object.entries(raw)) {
      try {
        const parsed = LastNtpState.safeParse(JSON.parse(json));
        if (parsed.success) out.set(host, parsed.data);
      } catch {
        // a bad entry is left out
      }
    }
    return out;
  }
}
