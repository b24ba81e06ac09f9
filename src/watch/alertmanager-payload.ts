import { z } from 'zod';

const Labels = z.record(z.string().max(1000)).default({});

/** Alertmanager's webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const AlertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1).max(1000),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(200).optional(),
  groupLabels: Labels,
  commonLabels: Labels,
  commonAnnotations: Labels,
  externalURL: z.string().max(1000).optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: Labels,
        annotations: Labels,
        startsAt: z.string().max(100).optional(),
        endsAt: z.string().max(100).optional(),
        fingerprint: z.string().max(100).optional(),
      }),
    )
    .max(1000),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

/** The body's problem in a line, for the 400 answer; undefined when it is a good payload. */
export function payloadProblem(body: string): { problem: string } | { payload: AlertmanagerPayload } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { problem: `bad JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  const parsed = AlertmanagerPayload.safeParse(json);
  if (parsed.success) return { payload: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    problem: `not an Alertmanager v4 webhook: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
  };
}
