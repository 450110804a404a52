// Preloaded with `node --import` into a measured process: at exit, writes the
// process's own resource usage (CPU, peak RSS) to $BENCH_RUSAGE_FILE. It only
// observes; it changes nothing in the program it is loaded into.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ code, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKb: u.maxRSS }),
    );
  });
}
