import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { asRoot } from '../remote/become.js';
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
  /** `diff <file> <file>.old` (the generated copy), password values masked. */
  diff: string;
  changedKeys: string[];
  generated: boolean;
  /** Every password in the file (packstack's random ones too), for masking what comes later. */
  secrets: string[];
}

/**
 * Stage 3: generates the answer file once (a re-run reuses it, so the passwords stay), keeps the generated file as
 * <file>.old, and sets the runbook's keys by key. Read and written as root: the file holds every password.
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
  // <file>.old is the runbook's pristine copy: made from the generated file (a new generation replaces it) and
  // kept across re-runs that reuse the file
  const copy = `cp -p ${shellQuote(path)} ${shellQuote(`${path}.old`)}`;
  await runChange(
    ssh,
    host,
    `keep a copy of ${path} as ${path}.old`,
    o.exists ? `[ -e ${shellQuote(`${path}.old`)} ] || ${copy}` : copy,
    { signal: o.signal },
  );
  const read = await ssh.exec(
    host,
    asRoot(
      host,
      sectionedCommand([
        ['answers', readFileStep(path)],
        ['old', readFileStep(`${path}.old`)],
      ]),
    ),
    { signal: o.signal },
  );
  const sections = splitSections(read.stdout, ['answers', 'old']);
  const text = parseReadFile(sectionOf(sections, 'answers'), path) ?? '';
  const old = parseReadFile(sectionOf(sections, 'old'), `${path}.old`) ?? text;
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
    diff: maskPasswordKeys(normalDiff(next, old)),
    changedKeys,
    generated: !o.exists,
    secrets: [...passwordValues(old), ...passwordValues(text), ...passwordValues(next)],
  };
}
