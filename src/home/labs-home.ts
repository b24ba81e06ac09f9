import type { HomeView, KnownBlock } from '@slack/types';

/** Slack's limit on an App Home's blocks. */
const MAX_BLOCKS = 100;

/**
 * The App Home of someone who can see several labs: each lab's view one after the other, each cut to its share of
 * Slack's 100 blocks; someone who can see none is told so.
 */
export function labsHome(views: readonly HomeView[], channels: string): HomeView {
  if (views.length === 0) {
    const text = `You have no role in any lab labops serves, so there is nothing to show. Labs and their channels:\n${channels}`;
    return {
      type: 'home',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
    };
  }
  const share = Math.floor(MAX_BLOCKS / views.length) - 1;
  const blocks: KnownBlock[] = views.flatMap((v, i) => [
    ...(i > 0 ? [{ type: 'divider' } as KnownBlock] : []),
    ...(v.blocks as KnownBlock[]).slice(0, share),
  ]);
  return { type: 'home', blocks: blocks.slice(0, MAX_BLOCKS) };
}
