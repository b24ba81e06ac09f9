import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';

describe('LAB_OPENSTACK_ADMIN_PASSWORD(_FILE)', () => {
  it('reads the variable, or the first line of the file, and refuses both at once', () => {
    expect(loadConfig({ LAB_OPENSTACK_ADMIN_PASSWORD: 'abc12345' }).openstack.adminPassword).toBe('abc12345');
    const file = join(mkdtempSync(join(tmpdir(), 'labops-pw-')), 'pw');
    writeFileSync(file, 'from-a-file\n');
    expect(loadConfig({ LAB_OPENSTACK_ADMIN_PASSWORD_FILE: file }).openstack.adminPassword).toBe(
      'from-a-file',
    );
    expect(loadConfig({}).openstack.adminPassword).toBeUndefined();
    expect(() =>
      loadConfig({ LAB_OPENSTACK_ADMIN_PASSWORD: 'abc12345', LAB_OPENSTACK_ADMIN_PASSWORD_FILE: file }),
    ).toThrow(/not both/);
    expect(() => loadConfig({ LAB_OPENSTACK_ADMIN_PASSWORD_FILE: `${file}-missing` })).toThrow(/ENOENT/);
  });
});
