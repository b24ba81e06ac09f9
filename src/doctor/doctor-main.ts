import { type Config, ConfigError } from '../config.js';
import { blocks, type Finding, problem } from './finding.js';
import { renderDoctor } from './render-doctor.js';
import { runDoctor } from './run-doctor.js';

/**
 * `npm run doctor`: prints the table and returns the exit status (1 when something blocks labops).
 */
export async function doctorMain(
  load: () => Readonly<Config>,
  write: (text: string) => void,
  manifestPath: string,
): Promise<number> {
  const config = loadOrExplain(load);
  const findings =
    'problem' in config ? [config.problem] : await runDoctor(config, { manifestPath, stepMs: 5000 });
  write(`${renderDoctor(findings)}\n`);
  return blocks(findings) ? 1 : 0;
}

/** The config, or a config that does not parse as the table's first problem (its one line per bad variable). */
function loadOrExplain(load: () => Readonly<Config>): Readonly<Config> | { problem: Finding } {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const bad = err.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    const fix = 'Fix these variables (README, "Environment"), then run the doctor again.';
    return { problem: problem('fail', 'config', 'environment', bad.join('; ') || err.message, fix) };
  }
}
