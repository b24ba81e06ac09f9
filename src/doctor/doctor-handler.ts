import type { DispatchResult, Requester } from '../bot/dispatch-result.js';
import type { QuickHandler } from '../bot/quick-commands.js';
import { cut, LIMITS, section } from '../chat/blocks.js';
import type { ChatMessage } from '../chat/message.js';
import type { ChatSink } from '../chat/sink.js';
import type { Finding } from './finding.js';
import { renderDoctor, summary } from './render-doctor.js';

export interface DoctorHandlerDeps {
  run(): Promise<Finding[]>;
  chat: Pick<ChatSink, 'post' | 'update' | 'reply'>;
  isAdmin(user: string): boolean;
}

/** The table as Slack shows it: code blocks of whole lines, each under a section's limit. */
export function doctorTable(findings: readonly Finding[]): ChatMessage {
  const text = renderDoctor(findings);
  const chunks: string[] = [];
  for (const line of text.split('\n')) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + line.length + 8 < LIMITS.sectionChars)
      chunks[chunks.length - 1] = `${last}\n${line}`;
    else chunks.push(cut(line, LIMITS.sectionChars - 8));
  }
  return { text, blocks: chunks.slice(0, LIMITS.blocks).map((c) => section(`\`\`\`${c}\`\`\``)) };
}

/**
 * /lab doctor, for admins (it reads hosts and the Slack app's setup): a message in the channel that ends as the
 * summary, the table in its thread. Read-only, like npm run doctor.
 */
export async function doctor(who: Requester, deps: DoctorHandlerDeps): Promise<DispatchResult> {
  if (!deps.isAdmin(who.user))
    return {
      kind: 'reply',
      message: {
        text: 'Only lab admins may run `/lab doctor` (it inspects every host and the Slack app). Ask an admin, or to be added to LAB_ADMINS.',
      },
    };
  const { ts } = await deps.chat.post(who.channel, {
    text: '🩺 `/lab doctor`: checking config, inventory, hosts, Redis and Slack…',
  });
  const findings = await deps.run();
  const line = summary(findings);
  const mark = findings.some((f) => f.verdict === 'fail') ? '❌' : '✅';
  await deps.chat.update(who.channel, ts, { text: `${mark} \`/lab doctor\`: ${line}` });
  await deps.chat.reply(who.channel, ts, doctorTable(findings));
  return { kind: 'reply', message: { text: `Doctor: ${line} The table is in the thread.` } };
}

/** The quick handler of /lab doctor, keyed as the registry names it. */
export function doctorCommandHandlers(deps: DoctorHandlerDeps): Record<'lab.doctor', QuickHandler> {
  return { 'lab.doctor': (_args, who) => doctor(who, deps) };
}
