/**
 * `work`, or the error `late()` makes once `ms` passed, whichever comes first. The cluster client
 * queues a command while it has no node to send it to (all of them lost, or its slot map being
 * rebuilt) and sends it once the cluster is back: no command timeout applies until then, so a request
 * would wait for the outage to end. A single Redis has no such queue (its commands fail at once).
 */
export function withDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
