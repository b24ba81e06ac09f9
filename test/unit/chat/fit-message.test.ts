import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { blockChars, LIMITS } from '../../../src/chat/blocks.js';
import { fullText, overLimits, summariseMessage } from '../../../src/chat/fit-message.js';

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('messages over Slack limits', () => {
  it('knows what Slack takes: 50 blocks, 3000 characters a section', () => {
    expect(overLimits({ text: 'x', blocks: Array.from({ length: 50 }, () => section('ok')) })).toBe(false);
    expect(overLimits({ text: 'x', blocks: Array.from({ length: 51 }, () => section('ok')) })).toBe(true);
    expect(overLimits({ text: 'x', blocks: [section('a'.repeat(3000))] })).toBe(false);
    expect(overLimits({ text: 'x', blocks: [section('a'.repeat(3001))] })).toBe(true);
    expect(overLimits({ text: 'y'.repeat(40_001) })).toBe(true);
  });

  it('summarises within the limits and says where the whole output is', () => {
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i} ${'z'.repeat(200)}`);
    const big = { text: lines.join('\n'), blocks: [section('*head*'), ...lines.map(section)] };
    const summary = summariseMessage(big, 'out.txt', fullText(big).length);
    expect(overLimits(summary)).toBe(false);
    expect(summary.blocks?.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(summary.blocks?.[0]).toEqual(section('*head*'));
    const last = summary.blocks?.at(-1);
    expect(last && blockChars(last)).toBeGreaterThan(0);
    expect(JSON.stringify(last)).toMatch(
      /full output \(\d+ characters\) did not fit one Slack message: it is attached in the thread as out\.txt/,
    );
  });

  it('cuts one oversized section instead of dropping it', () => {
    const m = { text: 'short', blocks: [section('q'.repeat(5000))] };
    const summary = summariseMessage(m, 'f.txt', 5000);
    const first = summary.blocks?.[0] as { text: { text: string } };
    expect(first.text.text).toHaveLength(3000);
    expect(first.text.text.endsWith('…')).toBe(true);
    expect(fullText(m)).toHaveLength(5000); // the file gets the blocks' text when it says more
  });
});
