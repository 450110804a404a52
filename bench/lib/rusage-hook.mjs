// Preloaded with `node --import` into a measured process: at exit, writes the
// process's own resource usage (CPU, peak RSS) to $BENCH_RUSAGE_FILE, and
// the CPU spent before the first HTTP request and up to the last response,
// so start-up can be told apart from the cost of the calls themselves. It
// only observes; it changes nothing in the program it is loaded into.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let firstRequestCpuMs = null;
  // Resident memory when the first request leaves: what start-up (modules, the split's index) holds before any call.
  let firstRequestRssKb = null;
  let firstRequestMemory = null;
  let lastResponseCpuMs = null;
  let requests = 0;
  const started = () => {
    requests++;
    if (firstRequestCpuMs === null) {
      firstRequestCpuMs = cpuMs();
      firstRequestRssKb = process.memoryUsage.rss() / 1024;
      firstRequestMemory = process.memoryUsage();
    }
  };
  // Reading CPU time is a system call: after each response, but at most every ten
  // milliseconds, so measuring does not add to what is measured.
  let lastSample = 0;
  const finished = () => {
    const now = performance.now();
    if (now - lastSample < 10) return;
    lastSample = now;
    lastResponseCpuMs = cpuMs();
  };
  // node:http clients, and global fetch (undici) clients.
  subscribe('http.client.request.start', started);
  subscribe('http.client.response.finish', finished);
  subscribe('undici:request:create', started);
  subscribe('undici:request:trailers', finished);
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        code,
        userMs: u.userCPUTime / 1000,
        systemMs: u.systemCPUTime / 1000,
        maxRssKb: u.maxRSS,
        requests,
        firstRequestCpuMs,
        firstRequestRssKb,
        firstRequestMemory,
        lastResponseCpuMs,
      }),
    );
  });
}
