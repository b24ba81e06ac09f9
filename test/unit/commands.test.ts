import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/grammar.js';
import { renderHelp } from '../../src/bot/render-help.js';
import { ALL_TASKS, COMMANDS } from '../../src/commands/index.js';
import { type DoctorHandlerDeps, doctorCommandHandlers } from '../../src/doctor/doctor-handler.js';
import type { OpsCommandDeps } from '../../src/jobs/ops-commands.js';
import { opsCommandHandlers } from '../../src/jobs/ops-commands.js';
import type { WatchCommandDeps } from '../../src/watch/watch-command-deps.js';
import { watchCommandHandlers } from '../../src/watch/watch-commands.js';

// the join between a command's words and what answers it, over every command of the registry
describe('every /lab command', () => {
  const quickHandlers = {
    ...opsCommandHandlers({} as OpsCommandDeps),
    ...watchCommandHandlers({} as WatchCommandDeps),
    ...doctorCommandHandlers({} as DoctorHandlerDeps),
  };

  it.each(COMMANDS.map((c) => [c.words.join(' '), c] as const))(
    '%s: parses to itself and is answered',
    (words, c) => {
      // a value for each required argument that its own check accepts
      const required = (c.args ?? []).filter((a) => !a.optional);
      const values = required.map((a) => ['on', 'x1', '1', '1h'].find((v) => a.valid(v)) ?? '');
      const parsed = parseCommand([words, ...values].join(' '));
      expect(parsed).toMatchObject({ kind: 'task', spec: { task: c.task } });
      if (c.quick) expect(Object.keys(quickHandlers)).toContain(c.task);
      else expect(ALL_TASKS.filter((t) => t.name === c.task)).toHaveLength(1);
      expect(renderHelp().text).toContain(c.usage);
    },
  );

  it.each(COMMANDS.filter((c) => !c.quick).map((c) => [c.words.join(' '), c] as const))(
    '%s: asks for confirmation exactly when its task changes hosts',
    (_words, c) => {
      const task = ALL_TASKS.find((t) => t.name === c.task);
      expect(Boolean(c.changes)).toBe(task?.plan !== undefined && c.phase !== 'preview');
      if (c.phase === 'preview') expect(task?.plan).toBeDefined();
    },
  );

  it('no two commands share their words, and none hides another behind its first words', () => {
    const all = COMMANDS.map((c) => c.words.join(' '));
    expect(new Set(all).size).toBe(all.length);
    for (const a of all)
      for (const b of all) if (a !== b) expect(b.startsWith(`${a} `), `${a} hides ${b}`).toBe(false);
  });

  it('every task a worker runs belongs to a command, once', () => {
    const names = ALL_TASKS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(COMMANDS.some((c) => c.task === name)).toBe(true);
  });
});
