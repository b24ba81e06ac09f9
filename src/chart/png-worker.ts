import { parentPort } from 'node:worker_threads';
import { svgToPng } from './svg-to-png.js';

/** A request to the chart thread, and its answer: the PNG, or why resvg refused the SVG. */
export interface PngRequest {
  id: number;
  svg: string;
}
export type PngAnswer = { id: number; png: Uint8Array } | { id: number; error: string };

// the body of the chart thread (see png-renderer.ts): one SVG in, one PNG out, in order
parentPort?.on('message', ({ id, svg }: PngRequest) => {
  let answer: PngAnswer;
  try {
    answer = { id, png: svgToPng(svg) };
  } catch (err) {
    answer = { id, error: (err as Error).message };
  }
  parentPort?.postMessage(answer);
});
