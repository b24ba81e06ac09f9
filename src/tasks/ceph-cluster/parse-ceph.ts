import { z } from 'zod';
import { ParseError } from '../../errors.js';

const Status = z.enum(['HEALTH_OK', 'HEALTH_WARN', 'HEALTH_ERR']);

/** One health check as `health_check_t::dump()` writes it; `count`/`muted` are absent before Nautilus. */
export const CephCheck = z.object({
  severity: Status,
  summary: z.object({ message: z.string(), count: z.number().optional() }),
  detail: z.array(z.object({ message: z.string() })).optional(),
  muted: z.boolean().optional(),
});
export type CephCheck = z.infer<typeof CephCheck>;

/** `ceph health detail -f json`, and the `health` of `ceph status`. */
export const CephHealth = z.object({
  status: Status,
  checks: z.record(CephCheck).default({}),
});
export type CephHealth = z.infer<typeof CephHealth>;

const OsdCounts = z.object({
  num_osds: z.number(),
  num_up_osds: z.number(),
  num_in_osds: z.number(),
});

/** The parts of `ceph status -f json` the reply shows; Nautilus and older nest the OSD counts once more. */
export const CephStatus = z.object({
  fsid: z.string().optional(),
  health: CephHealth,
  quorum_names: z.array(z.string()).default([]),
  monmap: z
    .object({
      num_mons: z.number().optional(),
      mons: z.array(z.object({ name: z.string() })).optional(),
    })
    .default({}),
  osdmap: z.union([OsdCounts, z.object({ osdmap: OsdCounts }).transform((o) => o.osdmap)]),
  pgmap: z.object({
    pgs_by_state: z.array(z.object({ state_name: z.string(), count: z.number() })).default([]),
    num_pgs: z.number(),
    num_pools: z.number().optional(),
    num_objects: z.number().optional(),
    data_bytes: z.number().optional(),
    bytes_used: z.number().optional(),
    bytes_avail: z.number().optional(),
    bytes_total: z.number().optional(),
  }),
});
export type CephStatus = z.infer<typeof CephStatus>;

/** `ceph time-sync-status -f json`: each monitor's skew against the leader; no map before the first timecheck. */
export const CephTimeSync = z.object({
  time_skew_status: z
    .record(
      z.object({
        skew: z.number(),
        latency: z.number(),
        health: Status,
        details: z.string().optional(),
      }),
    )
    .default({}),
});
export type CephTimeSync = z.infer<typeof CephTimeSync>;

/**
 * One document of a ceph step's output. Messages the client writes to stderr (folded in) may come before or after
 * the JSON, so it is read from the first `{` to the last `}`. Throws ParseError with an excerpt.
 */
export function parseCephJson<S extends z.ZodTypeAny>(schema: S, output: string, what: string): z.infer<S> {
  const from = output.indexOf('{');
  const to = output.lastIndexOf('}');
  let json: unknown;
  try {
    if (from < 0 || to < from) throw new Error('no JSON object');
    json = JSON.parse(output.slice(from, to + 1));
  } catch {
    throw new ParseError(`${what} did not print JSON`, output.trim());
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParseError(
      `${what} printed JSON labops does not know (${issue?.path.join('.') || 'top'}: ${issue?.message})`,
      output.trim(),
    );
  }
  return parsed.data;
}
