// Preloaded with `node --import` (bench/score-quick.mjs --alloc-prof DIR): samples
// every allocation, collected ones included (what GC time follows, unlike
// --heap-prof's live-at-exit view), and writes a .heapprofile at exit.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.ALLOC_PROF_DIR;
if (dir) {
  const s = new Session();
  s.connect();
  s.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  process.on('exit', () => {
    // inspector's post is synchronous for an in-process session.
    s.post('HeapProfiler.stopSampling', (err, r) => {
      if (!err) writeFileSync(join(dir, `alloc-${process.pid}.heapprofile`), JSON.stringify(r.profile));
    });
  });
}
