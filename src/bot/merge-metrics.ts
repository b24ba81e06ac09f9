/**
 * Several registries' Prometheus text as one exposition: each metric family once (its HELP and TYPE from the first
 * registry that has it), with the samples of every registry under it (a lab's carry lab="..."). Pure.
 */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, { head: string[]; samples: string[] }>();
  for (const text of texts) {
    let current: { head: string[]; samples: string[] } | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        const name = meta[2] as string;
        const known = families.get(name);
        current = known ?? { head: [], samples: [] };
        if (!known) families.set(name, current);
        if (current.head.length < 2 && !current.head.some((h) => h.startsWith(`# ${meta[1]} `)))
          current.head.push(line);
        continue;
      }
      current?.samples.push(line);
    }
  }
  return `${[...families.values()].map((f) => [...f.head, ...f.samples].join('\n')).join('\n\n')}\n`;
}
