/** Polls url until it answers `status` (or the deadline passes); resolves with the last status and body. */
export async function waitForStatus(url: string, status: number, deadlineMs = 15_000) {
  let last = { status: 0, body: '' };
  for (const end = Date.now() + deadlineMs; Date.now() < end; ) {
    last = await fetch(url).then(
      async (r) => ({ status: r.status, body: await r.text() }),
      () => ({ status: 0, body: '' }),
    );
    if (last.status === status) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}
