import type { QuickName } from '../commands/index.js';
import { UserInputError } from '../errors.js';
import type { DispatchResult, Requester } from './dispatch.js';
import { parseCommand } from './grammar.js';

/** Answers one quick command from its checked arguments. */
export type QuickHandler = (args: readonly string[], who: Requester) => Promise<DispatchResult>;

/**
 * Answers the grammar's quick commands (those marked `quick`) in the bot, at once; anything else is
 * undefined, for dispatch to take (including its error messages for bad text).
 */
export function quickCommands(handlers: Readonly<Partial<Record<QuickName, QuickHandler>>>) {
  return async (text: string, who: Requester): Promise<DispatchResult | undefined> => {
    let parsed: ReturnType<typeof parseCommand>;
    try {
      parsed = parseCommand(text);
    } catch {
      return undefined;
    }
    if (parsed.kind !== 'task' || !parsed.spec.quick) return undefined;
    const handler = handlers[parsed.spec.task as QuickName];
    if (!handler)
      return {
        kind: 'reply',
        message: { text: `\`${parsed.spec.usage}\` is not available in this labops.` },
      };
    try {
      return await handler(parsed.args ?? [], who);
    } catch (err) {
      if (err instanceof UserInputError) return { kind: 'reply', message: { text: err.message } };
      throw err;
    }
  };
}
