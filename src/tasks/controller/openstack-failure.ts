import type { HostErrorCode } from '../../errors.js';

/** Why an openstack call failed: the fields of a HostError, minus the host. */
export interface OpenstackFailure {
  code: HostErrorCode;
  message: string;
  /** What the operator should do next, one sentence. */
  hint: string;
}

function meaningfulLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // keystoneauth's first line is often "Failed to discover ... Attempting to parse version from URL."
  const line =
    lines.find((l) => !/^Failed to discover available identity versions/.test(l)) ?? lines[0] ?? '';
  const clean = line.replace(/\s*\(Request-ID: [^)]*\)/g, '');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/**
 * Recognises what went wrong from the output (stdout and stderr) and exit status of
 * `. ~/keystonerc_admin && openstack ...` on `host`. `command` names the call, e.g. "openstack network list".
 */
export function openstackFailure(
  host: string,
  output: string,
  exitCode: number | null,
  command: string,
): OpenstackFailure {
  if (/keystonerc_admin: No such file or directory/.test(output)) {
    return {
      code: 'command-failed',
      message: `there is no keystonerc_admin in the login user's home on ${host}`,
      hint: `packstack writes /root/keystonerc_admin on the controller; copy it to the home of the user labops logs in to ${host} as.`,
    };
  }
  if (exitCode === 127 || /openstack: (command )?not found/.test(output)) {
    return {
      code: 'command-missing',
      message: `the openstack CLI is not installed on ${host} (exit 127)`,
      hint: `Install python-openstackclient on ${host} (dnf install python3-openstackclient, or apt install python3-openstackclient).`,
    };
  }
  const line = meaningfulLine(output);
  if (/\(HTTP 401\)|requires authentication/.test(output)) {
    return {
      code: 'auth',
      message: `authentication failed on ${host}: ${line}`,
      hint: `Keystone refused the credentials: check keystonerc_admin on ${host} (OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_AUTH_URL).`,
    };
  }
  if (/\(HTTP 403\)|Forbidden/.test(output)) {
    return {
      code: 'auth',
      message: `Keystone accepted the credentials on ${host} but refused the request: ${line}`,
      hint: `keystonerc_admin on ${host} must be the admin user's, with OS_PROJECT_NAME=admin.`,
    };
  }
  const unreachable = /Unable to establish connection to (\S+?):? /.exec(output);
  if (unreachable) {
    const url = unreachable[1] ?? 'the API';
    return {
      code: 'unreachable',
      message: `OpenStack does not answer at ${url} (from ${host})`,
      hint: `Check that the OpenStack services run on ${host} (systemctl status httpd neutron-server) and that OS_AUTH_URL in keystonerc_admin is right.`,
    };
  }
  return {
    code: 'command-failed',
    message: `${command} failed on ${host} (exit ${exitCode ?? 'signal'}): ${line || 'no output'}`,
    hint: `Run ". ~/keystonerc_admin && ${command}" on ${host} to see the whole error.`,
  };
}
