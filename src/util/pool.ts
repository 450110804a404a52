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
  let failure: unknown = null;
  for await (const job of jobs as AsyncIterable<T>) {
    if (failure !== null || shouldStop()) break;
    const p: Promise<void> = worker(job).then(
      () => {
        running.delete(p);
      },
      (err) => {
        running.delete(p);
        if (failure === null) failure = err;
      },
    );
    running.add(p);
    if (running.size >= inflight) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== null) throw failure;
}
