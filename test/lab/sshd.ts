import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SshdHost {
  /** hosts/<name>/ in the lab dir: sshd_config, home/, bin/, commands.log live here. */
  hostDir: string;
  address: string;
  port: number;
  hostKeyPath: string;
  authorizedKeysPath: string;
  recorderPath: string;
  /** PATH seen by remote commands; the host's own bin/ comes first. */
  path: string;
}

/**
 * sshd's ForceCommand: logs the client's command on one line (newlines escaped) so a test can
 * read exactly what reached the host, then runs it through bash as sshd would have.
 */
const RECORDER = `#!/bin/bash
printf '%s\\n' "\${SSH_ORIGINAL_COMMAND//$'\\n'/\\\\n}" >> "$LABOPS_COMMAND_LOG"
cmd=$SSH_ORIGINAL_COMMAND
unset SSH_ORIGINAL_COMMAND LABOPS_COMMAND_LOG
[ -n "$cmd" ] || exec /bin/bash -l
exec /bin/bash -c "$cmd"
`;

export function writeRecorder(path: string): void {
  writeFileSync(path, RECORDER, { mode: 0o755 });
}

export function commandLogPath(hostDir: string): string {
  return join(hostDir, 'commands.log');
}

/** Writes the host's sshd_config, its plain HOME and its bin/; returns the config path. */
export function writeSshdFiles(h: SshdHost): string {
  const home = join(h.hostDir, 'home');
  mkdirSync(home, { recursive: true });
  // root's real ~/.bashrc runs pyenv (~150 ms a command); bash sources this one instead
  writeFileSync(join(home, '.bashrc'), '# lab host: a plain shell, nothing to set up\n');
  writeFileSync(commandLogPath(h.hostDir), ''); // each lab run records afresh
  const config = join(h.hostDir, 'sshd_config');
  const env = [`HOME=${home}`, `PATH=${h.path}`, `LABOPS_COMMAND_LOG=${commandLogPath(h.hostDir)}`];
  writeFileSync(
    config,
    [
      `ListenAddress ${h.address}`,
      `Port ${h.port}`,
      `HostKey ${h.hostKeyPath}`,
      `PidFile ${join(h.hostDir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${h.authorizedKeysPath}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // the lab's keys live under /tmp or the work tree, not in a 700 ~/.ssh
      'StrictModes no',
      // the default drops about 1 in 7 of 50 parallel connections
      'MaxStartups 200:30:300',
      'PrintMotd no',
      'PrintLastLog no',
      `SetEnv ${env.map((e) => `"${e}"`).join(' ')}`,
      `ForceCommand ${h.recorderPath}`,
      '',
    ].join('\n'),
  );
  return config;
}

/** bin/chronyc that talks to this host's own chronyd, so plain `chronyc ...` works on it. */
export function writeChronycWrapper(hostDir: string, cmdport: number): void {
  const path = join(hostDir, 'bin', 'chronyc');
  writeFileSync(path, `#!/bin/sh\nexec /usr/bin/chronyc -h 127.0.0.1 -p ${cmdport} "$@"\n`);
  chmodSync(path, 0o755);
}

/**
 * bin/systemctl that refuses: the base lab's hosts run on this machine, whose services a demo must never restart.
 * (The ntpAdmin lab has a working stand-in.)
 */
export function writeRefusingSystemctl(hostDir: string): void {
  const path = join(hostDir, 'bin', 'systemctl');
  writeFileSync(
    path,
    '#!/bin/sh\necho "systemctl: this simulated lab host has no service manager (use the ntpAdmin lab for setup)" >&2\nexit 1\n',
  );
  chmodSync(path, 0o755);
}
