import { describe, expect, it } from 'vitest';
import { renderHome } from '../../../src/home/render-home.js';

describe('the App Home', () => {
  it('lists the drift silences in force, and says nothing of them when there are none', () => {
    const base = { groups: new Map([['web', ['web1']]]), last: new Map(), running: [], now: 0 };
    const shown = JSON.stringify(
      renderHome({ ...base, silences: ['web silenced by <@U1> until back in sync'] }),
    );
    expect(shown).toContain('*Silenced drift alerts* (1)\\n🔕 web silenced by <@U1> until back in sync');
    expect(JSON.stringify(renderHome(base))).not.toContain('Silenced');
  });
});
