import type { Config } from '../config.js';
import { blocks, type Finding, problem } from './finding.js';
import { renderDoctor } from './render-doctor.js';
import { runDoctor } from './run-doctor.js';

/**
 * `npm run doctor`: prints the table and returns the exit status (1 when something blocks labops). A config that
 * does not parse is the first problem, with its one line per bad variable.
 */
export async function doctorMain(
  load: () => Readonly<Config>,
  write: (text: string) => void,
  manifestPath: string,
): Promise<number> {
  let findings: Finding[];
  try {
    findings = await runDoctor(load(), { manifestPath, stepMs: 5000 });
  } catch (err) {
    const lines = (err as Error).message.split('\n');
    findings = [
      problem(
        'fail',
        'config',
        'environment',
        lines
          .slice(1)
          .map((l) => l.trim())
          .join('; ') ||
          (lines[0] ?? ''),
        'Fix these variables (README, "Environment"), then run the doctor again.',
      ),
    ];
  }
  write(`${renderDoctor(findings)}\n`);
  return blocks(findings) ? 1 : 0;
}
