import { regexQuote } from '../remote/regex-quote.js';
import { shellQuote } from '../remote/shell-quote.js';

/**
 * The packstack installing from this answer file, as `pgrep -f` / `pkill -f` match it. "[p]": the pattern does not
 * match the shell that runs pgrep or pkill with it.
 */
const pattern = (answerFile: string) => `[p]ackstack --answer-file=${regexQuote(answerFile)}`;

/** Lists it ("pid command line" per process; exit 1 when none runs). */
export const findPackstack = (answerFile: string) => `pgrep -a -f ${shellQuote(pattern(answerFile))}`;

/** Kills it wherever it runs on the host (run as root: under sudo it is root's, and may have left our group). */
export const killPackstack = (answerFile: string) => `pkill -KILL -f ${shellQuote(pattern(answerFile))}`;
