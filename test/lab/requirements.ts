import { accessSync, constants } from 'node:fs';
import { CHRONYC, CHRONYD, LIBFAKETIME } from './chronyd.js';

// file the lab runs -> the Debian package that installs it
const REQUIRED: [string, string][] = [
  ['/usr/sbin/sshd', 'openssh-server'],
  ['/usr/bin/ssh-keygen', 'openssh-client'],
  ['/usr/bin/ssh', 'openssh-client'],
  [CHRONYD, 'chrony'],
  [CHRONYC, 'chrony'],
  [LIBFAKETIME, 'libfaketime'],
  ['/bin/bash', 'bash'],
];

/** Throws one error listing every missing file and the `apt-get install` that provides it. */
export function checkRequirements(): void {
  const missing = REQUIRED.filter(([path]) => {
    try {
      accessSync(path, path.endsWith('.so.1') ? constants.R_OK : constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
  throw new Error(
    `lab: missing ${missing.map(([path]) => path).join(', ')}; install with: apt-get install -y ${packages}`,
  );
}
