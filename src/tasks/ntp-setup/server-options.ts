import { z } from 'zod';

// chrony 4.x options of the server/pool directives: ones that stand alone, and ones followed by a value
const FLAGS = new Set([
  'iburst',
  'burst',
  'prefer',
  'noselect',
  'trust',
  'require',
  'xleave',
  'nts',
  'copy',
  'offline',
  'auto_offline',
]);
const NUMERIC = new Set([
  'minpoll',
  'maxpoll',
  'key',
  'minstratum',
  'polltarget',
  'version',
  'maxdelay',
  'maxdelayratio',
  'maxdelaydevratio',
  'mindelay',
  'asymmetry',
  'offset',
  'presend',
  'minsamples',
  'maxsamples',
  'filter',
  'port',
  'ntsport',
  'certset',
  'maxsources',
]);
const NUMBER = /^-?\d{1,9}(\.\d{1,9})?(e-?\d{1,2})?$/i;
const HEX = /^[0-9a-f]{1,8}$/i;

/** Why the option words are not acceptable, or undefined when they are. */
export function serverOptionsProblem(tokens: readonly string[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i] ?? '';
    if (FLAGS.has(word)) continue;
    const value = tokens[i + 1];
    if (NUMERIC.has(word) || word === 'extfield') {
      const ok = value !== undefined && (word === 'extfield' ? HEX : NUMBER).test(value);
      if (!ok) return `"${word}" needs a ${word === 'extfield' ? 'hexadecimal' : 'number'} after it`;
      i++;
      continue;
    }
    return `"${word.slice(0, 20)}" is not a chrony server option`;
  }
  return undefined;
}

/**
 * Extra options for every server/pool line a host gets, e.g. "minpoll -2 maxpoll -2": chrony's option words and
 * numbers only, so nothing else can reach chrony.conf. Parsed to its words, without iburst (always written).
 */
export const ServerOptions = z
  .string()
  .max(200)
  .transform((s) => s.trim().split(/\s+/).filter(Boolean))
  .superRefine((tokens, ctx) => {
    const problem = serverOptionsProblem(tokens);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  })
  .transform((tokens) => tokens.filter((t) => t !== 'iburst'));
