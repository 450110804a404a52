// Broken transport: connections reset before a reply, bodies that are not
// JSON, and bodies cut off mid-stream. A seeded share of requests misbehaves
// (at most twice each, under a retry budget of four), so the run must end
// exactly as the undisturbed reference did. Without Retry-After the backoff is
// the provider's own (up to 0.5 s, doubling), so the shares are kept modest.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeFault } from '../helpers/fake-server.js';
import { draw, injectedKinds, type FaultCall } from './faulty.js';
import { disturbedRun, expectAbsorbed } from './disturbed.js';
import { buildReference, type Reference } from './pipeline.js';

/** The first `times` arrivals of about `share` of all requests get `fault`. */
function someRequests(fault: FakeFault, share: number, times: number) {
  const salt = JSON.stringify(fault);
  return (c: FaultCall) => (c.seen < times && draw(c.key, salt) < share ? fault : null);
}

describe('broken connections and bodies', () => {
  let ref: Reference;
  beforeAll(async () => {
    ref = await buildReference();
  });

  it('connection resets: same figures, one record per key', async () => {
    const d = await disturbedRun('reset', someRequests({ reset: true }, 0.35, 2), { maxRetries: 4 });
    expect(injectedKinds(d.faulty).reset).toBeGreaterThanOrEqual(15);
    expectAbsorbed(d, ref);
  });

  it('malformed JSON bodies: same figures, one record per key', async () => {
    const d = await disturbedRun('malformed', someRequests({ malformed: true }, 0.4, 1), { maxRetries: 4 });
    expect(injectedKinds(d.faulty).malformed).toBeGreaterThanOrEqual(15);
    expectAbsorbed(d, ref);
  });

  it('bodies truncated mid-stream: same figures, one record per key', async () => {
    const d = await disturbedRun('truncated', someRequests({ truncated: true }, 0.4, 1), { maxRetries: 4 });
    expect(injectedKinds(d.faulty).truncated).toBeGreaterThanOrEqual(15);
    expectAbsorbed(d, ref);
  });
});
