import type { Redis } from 'ioredis';
import { z } from 'zod';

const CancelMessage = z.object({ jobId: z.string().min(1).max(100), reason: z.string().max(200) });
type CancelMessage = z.infer<typeof CancelMessage>;

/**
 * Cancel requests reach whichever worker runs a job: published on `<prefix>:cancel`, which every worker
 * subscribes to, and kept for an hour as `<prefix>:cancel:<job>` for a job that starts after the message went out.
 */
export class CancelRequests {
  private readonly channel: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.channel = `${prefix}:cancel`;
  }

  private key = (jobId: string) => `${this.prefix}:cancel:${jobId}`;

  /** reason is what the job's failure says: "cancelled by <@U123>". */
  async request(jobId: string, reason: string): Promise<void> {
    await this.redis.set(this.key(jobId), reason, 'EX', 3600);
    await this.redis.publish(this.channel, JSON.stringify({ jobId, reason } satisfies CancelMessage));
  }

  /** The reason, when a cancel was asked for this job. */
  async requested(jobId: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(jobId))) ?? undefined;
  }

  /** Calls onCancel for every request from now on (across reconnects); the result stops listening. */
  async listen(onCancel: (jobId: string, reason: string) => void): Promise<() => Promise<void>> {
    const sub = this.redis.duplicate();
    sub.on('error', () => undefined); // reconnects and resubscribes on its own
    sub.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      let parsed: ReturnType<typeof CancelMessage.safeParse>;
      try {
        parsed = CancelMessage.safeParse(JSON.parse(raw));
      } catch {
        return;
      }
      if (parsed.success) onCancel(parsed.data.jobId, parsed.data.reason);
    });
    await sub.subscribe(this.channel);
    return async () => {
      await sub.quit().catch(() => sub.disconnect());
    };
  }
}
