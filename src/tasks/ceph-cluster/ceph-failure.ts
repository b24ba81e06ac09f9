import type { HostErrorCode } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import { sudoRefusal } from '../remote/become.js';
import { firstLine } from '../remote/first-line.js';
import { CEPH_CONNECT_TIMEOUT_S } from './ceph-command.js';

/** Why one monitor host could not give Ceph's status: what happened and what to do, as a HostError would say it. */
export interface CephFailure {
  code: HostErrorCode;
  message: string;
  hint: string;
}

const keyringOf = (host: InventoryHost) =>
  `/etc/ceph/${String(host.vars.ceph_cluster ?? 'ceph')}.client.${String(host.vars.ceph_user ?? 'admin')}.keyring`;

/** What a failed `ceph` step printed (stdout and stderr) and its exit status, in words for the operator. */
export function cephFailure(host: InventoryHost, output: string, exitCode: number): CephFailure {
  const h = host.name;
  const refused = sudoRefusal(output, exitCode);
  if (refused)
    return {
      code: 'auth',
      message: `sudo refused to run ceph as root for ${host.user} on ${h} (${refused})`,
      hint: `Give ${host.user} passwordless sudo on ${h} (NOPASSWD), or log in as root (ansible_user).`,
    };
  if (exitCode === 127 || /\bceph: (command )?not found/.test(output))
    return {
      code: 'command-missing',
      message: `ceph is not installed on ${h} (exit 127)`,
      hint: `Install the Ceph client on ${h} (ceph-common; with cephadm: cephadm install ceph-common), or take ${h} out of ceph_mons.`,
    };
  if (/\[errno 13\]|permission denied/i.test(output))
    return {
      code: 'auth',
      message: `ceph on ${h} was refused: permission denied (${excerpt(output)})`,
      hint: `Make ${keyringOf(host)} readable by ${host.user} on ${h}, set ansible_become for sudo, or choose a client with ceph_user whose caps allow "mon allow r".`,
    };
  if (/no keyring found|unable to find a keyring|\[errno 2\]|cannot identify monitors/.test(output))
    return {
      code: 'auth',
      message: `ceph on ${h} found no keyring or no monitor address (${excerpt(output)})`,
      hint: `Put the keyring at ${keyringOf(host)} and mon_host in /etc/ceph/${String(host.vars.ceph_cluster ?? 'ceph')}.conf on ${h}, or set ceph_cluster/ceph_user to the ones it has.`,
    };
  if (/\[errno 110\]|timed out|\(110\)/i.test(output))
    return {
      code: 'timeout',
      message: `the Ceph cluster did not answer ceph on ${h} within ${CEPH_CONNECT_TIMEOUT_S} s (${excerpt(output)})`,
      hint: `Check that the ceph-mon daemons run and that ${h} reaches them (mon_host in ceph.conf, ports 3300/6789).`,
    };
  return {
    code: 'command-failed',
    message: `ceph failed on ${h} (exit ${exitCode}${output.trim() ? `: ${excerpt(output)}` : ''})`,
    hint: `Run ceph status on ${h} by hand to see what it prints.`,
  };
}

/** The line that says most: the client's last line ("[errno 110] RADOS timed out ..."), cut. */
function excerpt(output: string): string {
  const last = output.trim().split('\n').filter(Boolean).at(-1) ?? '';
  return firstLine(last.replace(/^\S+T\S+ [0-9a-f]+ +-?\d+ /, ''), 160);
}
