// Run an async worker over a (possibly huge, possibly async) stream of jobs
// with a bounded number in flight. Unlike mapping everything to promises up
// front, memory stays flat however long the stream is.

export async function runPool<T>(
  jobs: Iterable<T> | AsyncIterable<T>,
  inflight: number,
  worker: (job: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let failed = false;
  let failure: unknown;
  for await (const job of jobs as AsyncIterable<T>) {
    if (failed || shouldStop()) break;
    // Through a then(), so a worker that throws synchronously is handled like a rejection.
    const p: Promise<void> = Promise.resolve()
      .then(() => worker(job))
      .then(
        () => {
          running.delete(p);
        },
        (err: unknown) => {
          running.delete(p);
          if (!failed) {
            failed = true;
            failure = err;
          }
        },
      );
    running.add(p);
    if (running.size >= inflight) await Promise.race(running);
  }
  await Promise.all(running);
  if (failed) throw failure;
}
