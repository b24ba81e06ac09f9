import { section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import { HostError, ParseError, UserInputError } from '../../errors.js';

/** What a network command tells the user when it could not do its job. */
export interface Failure {
  message: string;
  hint: string;
}

/** HostError, ParseError and UserInputError become a Failure; anything else is a bug and is thrown on. */
export function toFailure(err: unknown, host: string | undefined): Failure {
  if (err instanceof HostError) return { message: err.message, hint: err.hint };
  if (err instanceof UserInputError) return { message: err.message, hint: '' };
  if (err instanceof ParseError) {
    const excerpt = err.excerpt.split('\n')[0]?.slice(0, 120) ?? '';
    return {
      message: `${err.message}${excerpt ? ` ("${excerpt}")` : ''}`,
      hint: `Run the openstack command on ${host ?? 'the controller'} by hand to see what it prints.`,
    };
  }
  throw err;
}

/** Ends the text with a full stop unless it already ends a sentence. */
export const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** "Networks on controller: failed" and the reason with what to do next. */
export function renderFailure(title: string, failure: Failure): ChatMessage {
  const why = `❌ ${sentence(failure.message)}${failure.hint ? ` ${sentence(failure.hint)}` : ''}`;
  return {
    text: `${title}: failed\n${why}`,
    blocks: [section(`*${escapeMrkdwn(title)}*: failed\n${escapeMrkdwn(why)}`)],
  };
}
