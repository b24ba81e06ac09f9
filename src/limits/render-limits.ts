/** The answer to a user over their per-minute budget: what happened, what still works, when to try again. */
export function rateRefusal(used: number, limit: number, retryInMs: number): string {
  const seconds = Math.ceil(retryInMs / 1000);
  return (
    `You ran ${used} commands in the last minute (the limit is ${limit} a minute per person); nothing was started. ` +
    `Try again in ${seconds} s. \`/lab jobs\`, \`/lab cancel\` and \`/lab help\` still work.`
  );
}

/** The answer when the queue already holds as many waiting jobs as it may. */
export function queueFullRefusal(waiting: number, max: number): string {
  return (
    `labops already has ${waiting} jobs waiting for a worker (the limit is ${max}); nothing was started. ` +
    'Try again when `/lab jobs` shows fewer waiting; if the queue does not shrink, ask the lab admins to check the workers.'
  );
}
