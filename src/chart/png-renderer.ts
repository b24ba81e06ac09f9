import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PngAnswer } from './png-worker.js';

/** A chart that could not be drawn: the renderer was busy, too slow, or refused the SVG. */
export class ChartError extends Error {
  override readonly name = 'ChartError';
}

export interface PngRendererOptions {
  /** Longest one render may take; the thread is then ended (resvg cannot be interrupted) and a new one started. */
  timeoutMs: number;
  /** Charts waiting behind the one being drawn; more are refused at once. */
  maxQueue: number;
  /** The thread ends after this long without work, so an idle bot does not keep its memory. */
  idleMs: number;
  /** The thread's code; tests point it elsewhere. Default: png-worker next to this file. */
  workerUrl?: URL;
}

/** What labops runs with: a render takes well under a second; ten waiting charts are a burst, not a queue. */
export const CHART_THREAD: PngRendererOptions = { timeoutMs: 15_000, maxQueue: 10, idleMs: 60_000 };

export interface PngRenderer {
  /** The SVG as PNG bytes, drawn on the chart thread; rejects with a ChartError, never throws synchronously. */
  render(svg: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

interface Pending {
  id: number;
  svg: string;
  resolve(png: Uint8Array): void;
  reject(err: Error): void;
}

/**
 * The thread's code: png-worker.js next to this file, or under tsx and vitest (this module is then TypeScript)
 * png-worker.ts through tsx's require hook (Node 20 does not apply --import loaders to a worker's own module).
 */
function spawnChartThread(workerUrl?: URL): Worker {
  if (workerUrl) return new Worker(workerUrl);
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./png-worker.js', import.meta.url));
  const require = createRequire(import.meta.url);
  const workerData = {
    tsx: require.resolve('tsx/cjs'),
    path: fileURLToPath(new URL('./png-worker.ts', import.meta.url)),
  };
  const boot = "const { workerData: w } = require('node:worker_threads'); require(w.tsx); require(w.path);";
  return new Worker(boot, { eval: true, workerData });
}

/**
 * Rasterises SVG charts on one worker thread, one at a time, so resvg's hundreds of milliseconds of CPU never block
 * the bot's event loop (Slack's 3 s ack, the health route). The queue is bounded and each render has a deadline.
 */
export function createPngRenderer(options: PngRendererOptions): PngRenderer {
  const queue: Pending[] = [];
  let worker: Worker | undefined;
  let current: { job: Pending; timer: NodeJS.Timeout } | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 0;
  let closed = false;

  const fail = (err: Error) => {
    if (!current) return;
    clearTimeout(current.timer);
    current.job.reject(err);
    current = undefined;
  };
  const stopWorker = () => {
    const w = worker;
    worker = undefined;
    return w ? w.terminate().then(() => undefined) : Promise.resolve();
  };
  const startWorker = (): Worker => {
    const w = spawnChartThread(options.workerUrl);
    w.on('message', (answer: PngAnswer) => {
      if (!current || current.job.id !== answer.id) return;
      clearTimeout(current.timer);
      const { job } = current;
      current = undefined;
      if ('png' in answer) job.resolve(answer.png);
      else job.reject(new ChartError(`the chart could not be drawn: ${answer.error}`));
      next();
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      fail(new ChartError(`the chart renderer crashed: ${err.message}`));
      next();
    });
    w.on('exit', () => {
      if (worker !== w) return;
      worker = undefined;
      fail(new ChartError('the chart renderer stopped unexpectedly'));
      next();
    });
    return w;
  };
  const next = () => {
    if (current || closed) return;
    const job = queue.shift();
    if (!job) {
      clearTimeout(idle);
      idle = setTimeout(() => void stopWorker(), options.idleMs).unref();
      return;
    }
    clearTimeout(idle);
    worker ??= startWorker();
    const timer = setTimeout(() => {
      fail(new ChartError(`drawing the chart took longer than ${Math.ceil(options.timeoutMs / 1000)} s`));
      void stopWorker();
      next();
    }, options.timeoutMs);
    current = { job, timer };
    worker.postMessage({ id: job.id, svg: job.svg });
  };

  return {
    render(svg) {
      if (closed) return Promise.reject(new ChartError('labops is shutting down'));
      if (queue.length >= options.maxQueue)
        return Promise.reject(new ChartError(`${queue.length} charts are already waiting to be drawn`));
      return new Promise<Uint8Array>((resolve, reject) => {
        queue.push({ id: ++nextId, svg, resolve, reject });
        next();
      });
    },
    async close() {
      closed = true;
      clearTimeout(idle);
      fail(new ChartError('labops is shutting down'));
      for (const job of queue.splice(0)) job.reject(new ChartError('labops is shutting down'));
      await stopWorker();
    },
  };
}
