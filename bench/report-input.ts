import type { Floor } from './floor.js';
import type { LabopsResults } from './labops-phase.js';
import type { Machine } from './machine.js';
import type { PeerResults } from './peer-phase.js';

/** Everything one benchmark run measured: what the report is rendered from. */
export interface ReportInput {
  date: Date;
  machine: Machine;
  load: { before: number[]; after: number[] };
  /** How many measured runs the quiet gate let start on a quiet machine, and how many after giving up. */
  quiet: { quiet: number; busy: number };
  hosts: number;
  peers: PeerResults;
  labops: LabopsResults;
  /** VmRSS (KiB) of an idle TypeScript file run with tsx. */
  idleTsxKiB: number;
  floor: Floor;
  reps: {
    cold: number;
    labopsCold: number;
    warm: number;
    stock: number;
    burstRounds: number;
    concurrency: number;
  };
  seconds: number;
}
