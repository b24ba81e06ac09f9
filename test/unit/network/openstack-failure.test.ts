import { describe, expect, it } from 'vitest';
import { openstackFailure } from '../../../src/tasks/controller/openstack-failure.js';
import { failure } from './fixtures.js';

const classify = (file: string, command = 'openstack network list') => {
  const f = failure(file);
  return openstackFailure('controller', f.output, f.exitCode, command);
};

describe('openstackFailure', () => {
  it('a wrong password: authentication failed on the controller, check keystonerc_admin', () => {
    const f = classify('error-auth-401.txt');
    expect(f.code).toBe('auth');
    // the request id changes every time and helps nobody in Slack
    expect(f.message).toBe(
      'authentication failed on controller: The request you have made requires authentication. (HTTP 401)',
    );
    expect(f.hint).toMatch(/check keystonerc_admin on controller \(OS_USERNAME, OS_PASSWORD/);
  });

  it('Keystone not answering: unreachable, with the URL it tried', () => {
    const f = classify('error-keystone-down.txt');
    expect(f.code).toBe('unreachable');
    expect(f.message).toBe(
      'OpenStack does not answer at http://127.0.0.1:1/v3/auth/tokens (from controller)',
    );
    expect(f.hint).toMatch(/OS_AUTH_URL in keystonerc_admin/);
  });

  it('no keystonerc_admin in the home directory', () => {
    const f = classify('error-no-keystonerc.txt');
    expect(f.message).toBe("there is no keystonerc_admin in the login user's home on controller");
    expect(f.hint).toMatch(/packstack writes \/root\/keystonerc_admin/);
  });

  it('no openstack CLI: command-missing with the package to install', () => {
    const f = classify('error-no-cli.txt');
    expect(f.code).toBe('command-missing');
    expect(f.hint).toMatch(/python3-openstackclient/);
  });

  it('anything else: the command, exit status and the meaningful line', () => {
    const f = classify('error-interface-exists.txt', 'openstack router add subnet router1 subint1');
    expect(f.code).toBe('command-failed');
    expect(f.message).toMatch(
      /^openstack router add subnet router1 subint1 failed on controller \(exit 1\): BadRequestException: 400: .*Router already has a port on subnet/,
    );
    expect(f.hint).toBe(
      'Run ". ~/keystonerc_admin && openstack router add subnet router1 subint1" on controller to see the whole error.',
    );
  });
});
