// Counts a pool's jobs from the moment they are handed out (yielded) to the
// moment they end, and reports how many are still out after each one ends.
// --until-decided waits for the seeded prefix to catch up before launching
// further ahead, and must stop waiting once nothing is out: a job that ended
// without a record (budget stop, error) would otherwise leave it waiting for
// a prefix that can no longer advance. Counting from the yield, not from the
// worker's start, keeps a job handed out but not yet started from reading as
// "nothing out".
export class JobCounter {
  private handedOut = 0;
  private ended = 0;
  constructor(private readonly onSettled?: (running: number) => void) {}

  /** A job was handed to the pool. */
  launch(): void {
    this.handedOut++;
  }

  /** The worker, reporting the jobs still out after each ends. */
  wrap<T>(work: (job: T) => Promise<void>): (job: T) => Promise<void> {
    return async (job) => {
      try {
        await work(job);
      } finally {
        this.ended++;
        this.onSettled?.(this.handedOut - this.ended);
      }
    };
  }
}
