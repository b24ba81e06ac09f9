import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../../../src/policy/load-policy.js';
import { ISSUE_EXAMPLE } from './issue-example.js';

describe("the README's LAB_POLICY example", () => {
  it("is the issue's format, complete, and labops reads it", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Labs, roles and channels'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(example.trim()).toBe(ISSUE_EXAMPLE.trim());
    expect(Object.keys(parsePolicyFile(example, 'README.md').labs)).toEqual(['alpha', 'beta']);
  });
});
