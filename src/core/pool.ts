// Run an async worker over a (possibly huge, possibly async) stream of jobs
// with a bounded number in flight. Unlike mapping everything to promises up
// front, memory stays flat however long the stream is.
//
// `inflight` lanes each pull the next job when their last one is done, so a
// finished job costs O(1). (Racing a set of running promises instead costs
// O(inflight) per job: at 512 in flight that was most of the harness's CPU.)

export async function runPool<T>(
  jobs: Iterable<T> | AsyncIterable<T>,
  inflight: number,
  worker: (job: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  const it: Iterator<T> | AsyncIterator<T> =
    Symbol.asyncIterator in jobs ? (jobs as AsyncIterable<T>)[Symbol.asyncIterator]() : (jobs as Iterable<T>)[Symbol.iterator]();
  let exhausted = false;
  let failed = false;
  let failure: unknown;
  const fail = (err: unknown) => {
    if (!failed) {
      failed = true;
      failure = err;
    }
  };
  const lane = async (): Promise<void> => {
    while (!exhausted && !failed && !shouldStop()) {
      let next: IteratorResult<T>;
      try {
        // Concurrent next() calls on an async generator are queued by the generator itself.
        next = await it.next();
      } catch (err) {
        fail(err);
        return;
      }
      if (next.done) {
        exhausted = true;
        return;
      }
      // A job pulled while the pool was failing or stopping is dropped, never started.
      if (failed || shouldStop()) return;
      try {
        await worker(next.value);
      } catch (err) {
        fail(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(inflight)) }, lane));
  // Stopped early: let the job source clean up (close files, run finally blocks).
  if (!exhausted) await it.return?.();
  if (failed) throw failure;
}
