import { describe, expect, it } from 'vitest';
import { chronyLocation } from '../../../src/tasks/ntp-setup/chrony-location.js';
import { osFamily, parseOsRelease } from '../../../src/tasks/remote/os-release.js';

// the first lines of real /etc/os-release files
const ROCKY = `NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
`;
const UBUNTU = `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
ID=ubuntu
ID_LIKE=debian
`;
const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
`;
const PROLINUX = `NAME="ProLinux"
ID="prolinux"
ID_LIKE="rhel fedora"
PRETTY_NAME="ProLinux 8.5"
`;

describe('os-release', () => {
  it('reads ID, ID_LIKE and PRETTY_NAME, quoted or not', () => {
    expect(parseOsRelease(ROCKY)).toEqual({
      id: 'rocky',
      idLike: ['rhel', 'centos', 'fedora'],
      name: 'Rocky Linux 9.3 (Blue Onyx)',
    });
    expect(parseOsRelease(UBUNTU)).toEqual({ id: 'ubuntu', idLike: ['debian'], name: 'Ubuntu 22.04.4 LTS' });
    expect(parseOsRelease('# comment\nNAME=\'My OS\'\nID="x\\"y"\n')).toEqual({
      id: 'x"y',
      idLike: [],
      name: 'My OS',
    });
    expect(parseOsRelease('')).toEqual({ id: '', idLike: [], name: 'unknown' });
  });

  it('knows the family from ID, then ID_LIKE', () => {
    expect(osFamily(parseOsRelease(ROCKY))).toBe('rhel');
    expect(osFamily(parseOsRelease(PROLINUX))).toBe('rhel');
    expect(osFamily(parseOsRelease(UBUNTU))).toBe('debian');
    expect(osFamily(parseOsRelease(DEBIAN))).toBe('debian');
    expect(osFamily(parseOsRelease('ID=alpine\n'))).toBeUndefined();
  });

  it("gives the family's chrony.conf path and unit; inventory variables win", () => {
    expect(chronyLocation(parseOsRelease(ROCKY), {})).toEqual({
      confPath: '/etc/chrony.conf',
      service: 'chronyd',
    });
    expect(chronyLocation(parseOsRelease(UBUNTU), {})).toEqual({
      confPath: '/etc/chrony/chrony.conf',
      service: 'chrony',
    });
    expect(chronyLocation(parseOsRelease(DEBIAN), { chrony_service: 'chronyd' })).toEqual({
      confPath: '/etc/chrony/chrony.conf',
      service: 'chronyd',
    });
    expect(chronyLocation(parseOsRelease('ID=alpine\n'), {})).toMatchObject({
      problem: expect.stringContaining('unknown OS family'),
      hint: expect.stringContaining('chrony_conf_path and chrony_service'),
    });
    expect(
      chronyLocation(parseOsRelease('ID=alpine\n'), {
        chrony_conf_path: '/etc/chrony/chrony.conf',
        chrony_service: 'chronyd',
      }),
    ).toEqual({ confPath: '/etc/chrony/chrony.conf', service: 'chronyd' });
  });
});
