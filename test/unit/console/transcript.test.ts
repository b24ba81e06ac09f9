import { describe, expect, it } from 'vitest';
import { renderBlock, renderChanges } from '../../../src/console/render-transcript.js';
import { addMessage, addReply, emptyBlock, updateMessage } from '../../../src/console/transcript.js';

describe('the console transcript', () => {
  it('shows a message in its latest form, once, with its thread indented under it', () => {
    let b = emptyBlock('console-1', '/lab ntp status');
    b = addMessage(b, '1', '⏳ checking 3 hosts…');
    b = addReply(b, '1', 'ntp1\nMS Name/IP address');
    for (let done = 1; done <= 3; done++) b = updateMessage(b, '1', `Checking 3 hosts… ${done}/3 done`);
    b = updateMessage(b, '1', 'NTP status: 3 in sync');
    b = addReply(b, '1', '📎 Full output: /tmp/labops-files/out.txt');
    expect(renderBlock(b)).toEqual([
      'lab> /lab ntp status',
      'NTP status: 3 in sync',
      '  │ ntp1',
      '  │ MS Name/IP address',
      '  │ 📎 Full output: /tmp/labops-files/out.txt',
    ]);
  });

  it('keeps messages in the order they were posted, updates in place', () => {
    let b = addMessage(addMessage(emptyBlock('c'), '1', 'first'), '2', 'second');
    b = updateMessage(b, '1', 'first, final');
    expect(renderBlock(b)).toEqual(['first, final', 'second']);
  });

  it('a reply to a message it does not hold still shows, as a message', () => {
    expect(renderBlock(addReply(emptyBlock('c'), '99', 'orphan'))).toEqual(['orphan']);
  });

  it("a block printed before prints only what changed: the plan's outcome line and the new messages", () => {
    const plan = addMessage(emptyBlock('c'), '1', 'Plan\n• step\n(Confirm or Cancel; expires in 10 minutes)');
    const after = addMessage(updateMessage(plan, '1', 'Plan\n• step\n✅ Confirmed by console.'), '2', 'Done');
    expect(renderChanges(plan, after)).toEqual(['✅ Confirmed by console.', 'Done']);
  });
});
