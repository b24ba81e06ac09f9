import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandRun, countTrackingLines, runCommand } from './run-command.js';

/** The one remote command both peers run on every host. */
export const PEER_COMMAND = 'chronyc -c tracking';

/** For the floor only: the two outputs labops needs (tracking, the sources table) from one chronyc process. */
export const ONE_CHRONYC = "printf 'tracking\\nsources\\n' | chronyc -n";

export interface PeerSetup {
  /** A scratch dir of the bench's own: ansible's config, home and temp, the control sockets. */
  dir: string;
  inventoryPath: string;
  hostsPath: string;
  keyPath: string;
  knownHostsPath: string;
  hostCount: number;
}

/** Throws unless the run exited 0 and printed one tracking line per host: a timing of failures is no timing. */
function check(tool: string, run: CommandRun, hosts: number): number {
  const lines = countTrackingLines(run.stdout);
  if (run.code !== 0 || lines !== hosts)
    throw new Error(
      `${tool}: exit ${run.code}, ${lines}/${hosts} tracking lines\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`,
    );
  return run.ms;
}

/** Asks every ssh master with a socket in `controlDir` to exit; they are daemons, so their PIDs are not ours to kill. */
export async function closeMasters(controlDir: string): Promise<void> {
  if (!existsSync(controlDir)) return;
  await Promise.all(
    readdirSync(controlDir).map((name) =>
      runCommand('ssh', ['-o', `ControlPath=${join(controlDir, name)}`, '-O', 'exit', 'bench-master']),
    ),
  );
}

/** Asks the masters of every control dir under `dir` to exit. */
export async function closeAllMasters(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isDirectory() && entry.name.endsWith('-cp')) await closeMasters(join(dir, entry.name));
}

/** parallel-ssh as an operator would run it; `controlDir` adds ControlMaster/ControlPersist. */
export function parallelSsh(s: PeerSetup, controlDir?: string): Promise<number> {
  if (controlDir) mkdirSync(controlDir, { recursive: true });
  const ssh = [`-i ${s.keyPath}`, `-o UserKnownHostsFile=${s.knownHostsPath}`, '-p 2222'];
  if (controlDir)
    ssh.push('-o ControlMaster=auto', `-o ControlPath=${controlDir}/%C`, '-o ControlPersist=60');
  const args = ['-i', '-p', String(s.hostCount), '-h', s.hostsPath, '-x', ssh.join(' '), '-l', 'root'];
  return runCommand('parallel-ssh', [...args, PEER_COMMAND]).then((r) =>
    check('parallel-ssh', r, s.hostCount),
  );
}

/**
 * Ansible's environment: nothing read from /etc/ansible or ~/.ansible. Tuned: pipelining on and the interpreter
 * named, ansible's fastest usual settings (no module upload, no interpreter discovery round trip), so the
 * target is measured against ansible at its best. Stock: ansible's defaults, except that modules are copied
 * with `piped` (the lab's sshd has no sftp subsystem, which real hosts have).
 */
export function ansibleEnv(s: PeerSetup, controlDir: string, tuned: boolean): NodeJS.ProcessEnv {
  const home = join(s.dir, 'ansible-home');
  mkdirSync(join(home, 'tmp'), { recursive: true });
  const config = join(s.dir, 'ansible.cfg');
  writeFileSync(config, '# bench: every setting is in the environment\n[defaults]\n');
  return {
    ...process.env,
    ANSIBLE_CONFIG: config,
    ANSIBLE_HOME: home,
    ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${s.knownHostsPath}`,
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_NOCOLOR: '1',
    ...(tuned
      ? { ANSIBLE_PIPELINING: 'True', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' }
      : { ANSIBLE_SSH_TRANSFER_METHOD: 'piped' }),
  };
}

/** `ansible all -m command` over the bench inventory; ControlPersist sockets live in `controlDir`. */
export function ansible(s: PeerSetup, controlDir: string, tuned = true): Promise<number> {
  mkdirSync(controlDir, { recursive: true });
  const args = ['all', '-i', s.inventoryPath, '-m', 'command', '-a', PEER_COMMAND, '-f', String(s.hostCount)];
  return runCommand('ansible', args, { env: ansibleEnv(s, controlDir, tuned), cwd: s.dir }).then((r) =>
    check('ansible', r, s.hostCount),
  );
}
