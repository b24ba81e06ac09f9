import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { parseReadFile, readFileStep } from '../remote/remote-file.js';
import { runChange } from '../remote/run-change.js';
import { sectionedCommand, sectionOf, splitSections } from '../remote/sections.js';
import { shellQuote } from '../remote/shell-quote.js';
import { runbookAnswers, setAnswers } from './answer-file.js';
import type { DeploySettings } from './deploy-vars.js';
import { maskPasswordKeys, passwordValues } from './mask.js';
import { normalDiff } from './normal-diff.js';

type Ssh = Pick<SshPool, 'exec'>;

/**
 * Replaces a file that holds passwords with what the command reads on stdin (so the content is never on a command
 * line, in `ps` or in the host's command log): written with umask 077 to a temporary file, given the old file's
 * mode, renamed over it.
 */
export function writeSecretFileCommand(path: string): string {
  const p = shellQuote(path);
  const tmp = shellQuote(`${path}.labops.tmp`);
  return `umask 077 && { cat > ${tmp} && chmod --reference=${p} ${tmp} && mv -f ${tmp} ${p}; } || { rm -f ${tmp}; exit 1; }`;
}

export interface AnswerResult {
  /** `diff <file> <file>.old`, password values masked. */
  diff: string;
  changedKeys: string[];
  generated: boolean;
  /** Every password in the file (packstack's random ones too), for masking what comes later. */
  secrets: string[];
}

/**
 * Stage 3: generates the answer file once (a re-run reuses it, so the passwords stay), keeps <file>.old, and sets
 * the runbook's keys by key.
 */
export async function prepareAnswerFile(
  ssh: Ssh,
  host: InventoryHost,
  s: DeploySettings,
  o: { password: string; exists: boolean; signal?: AbortSignal },
): Promise<AnswerResult> {
  const path = s.packstack_answer_file;
  if (!o.exists)
    await runChange(ssh, host, `generate ${path}`, `packstack --gen-answer-file=${shellQuote(path)}`, {
      signal: o.signal,
      timeoutMs: 300_000,
    });
  const read = await ssh.exec(host, sectionedCommand([['answers', readFileStep(path)]]), {
    signal: o.signal,
  });
  const text = parseReadFile(sectionOf(splitSections(read.stdout, ['answers']), 'answers'), path) ?? '';
  await runChange(
    ssh,
    host,
    `copy ${path} to ${path}.old`,
    `cp -p ${shellQuote(path)} ${shellQuote(`${path}.old`)}`,
    {
      signal: o.signal,
    },
  );
  const changes = runbookAnswers(text, {
    password: o.password,
    extIface: s.extIface,
    extra: s.packstack_answers,
  });
  const next = setAnswers(text, changes);
  if (next !== text)
    await runChange(ssh, host, `write ${path}`, writeSecretFileCommand(path), {
      signal: o.signal,
      stdin: next,
    });
  const changedKeys = Object.keys(changes).filter(
    (k) => next.includes(`\n${k}=`) && !text.includes(`\n${k}=${changes[k]}\n`),
  );
  return {
    diff: maskPasswordKeys(normalDiff(next, text)),
    changedKeys,
    generated: !o.exists,
    secrets: [...passwordValues(text), ...passwordValues(next)],
  };
}
