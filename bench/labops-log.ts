import { readFileSync } from 'node:fs';

/** When labops logged each step of one job (epoch ms, pino's `time`). */
export interface JobTimes {
  queued?: number;
  started?: number;
  finished?: number;
  /** Why the job failed, if it did. */
  failed?: string;
}

/** The steps of the last job in labops' JSON log (LOG_LEVEL info). */
export function lastJobTimes(logPath: string): JobTimes {
  const jobs = new Map<string, JobTimes>();
  let last: string | undefined;
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: string; jobId?: string; time?: number; level?: number };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (!entry.jobId || typeof entry.time !== 'number') continue;
    const times = jobs.get(entry.jobId) ?? {};
    if (entry.msg === 'job queued') {
      times.queued = entry.time;
      last = entry.jobId;
    } else if (entry.msg === 'job started') times.started = entry.time;
    else if (entry.msg === 'job finished') times.finished = entry.time;
    else if ((entry.level ?? 0) >= 40) times.failed = line; // pino: 40 warn, 50 error
    jobs.set(entry.jobId, times);
  }
  return (last && jobs.get(last)) || {};
}
