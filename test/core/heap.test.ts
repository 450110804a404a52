import { describe, expect, it } from 'vitest';
import { DEFAULT_GROWING_PERCENT, growingPercent, holdLeanHeap, leanHeapHeld } from '../../src/core/heap.js';
import { Provider } from '../../src/provider/index.js';
import { startFakeServer } from '../helpers/fake-server.js';

describe('lean heap while judge calls are in flight', () => {
  it('takes the percentage from the environment, and reports a value it cannot use', () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(growingPercent({}, warn)).toBe(DEFAULT_GROWING_PERCENT);
    expect(growingPercent({ ROLEJUDGE_HEAP_GROWING_PERCENT: '0' }, warn)).toBe(0);
    expect(growingPercent({ ROLEJUDGE_HEAP_GROWING_PERCENT: '25' }, warn)).toBe(25);
    expect(warnings).toEqual([]);
    expect(growingPercent({ ROLEJUDGE_HEAP_GROWING_PERCENT: 'half' }, warn)).toBe(DEFAULT_GROWING_PERCENT);
    expect(growingPercent({ ROLEJUDGE_HEAP_GROWING_PERCENT: '-5' }, warn)).toBe(DEFAULT_GROWING_PERCENT);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/ROLEJUDGE_HEAP_GROWING_PERCENT=half/);
  });

  it('is held until the last holder releases it; releasing twice does not release another holder', () => {
    expect(leanHeapHeld()).toBe(false);
    const a = holdLeanHeap(50);
    const b = holdLeanHeap(50);
    a();
    a();
    expect(leanHeapHeld()).toBe(true);
    b();
    expect(leanHeapHeld()).toBe(false);
    holdLeanHeap(0)();
    expect(leanHeapHeld()).toBe(false);
  });

  it('a provider asked for it holds it from its first call until close() (start-up runs under the default); one not asked never does', async () => {
    const server = await startFakeServer();
    try {
      const req = {
        endpoint: { name: 'fake', baseUrl: server.url, model: 'fake-model' },
        messages: [{ role: 'user' as const, content: 'hi' }],
        params: {},
        key: 'k',
      };
      const plain = new Provider({ cacheDir: null });
      await plain.chat(req);
      expect(leanHeapHeld()).toBe(false);
      const lean = new Provider({ cacheDir: null, heapGrowingPercent: 50 });
      expect(leanHeapHeld()).toBe(false);
      await lean.chat(req);
      expect(leanHeapHeld()).toBe(true);
      await lean.close();
      expect(leanHeapHeld()).toBe(false);
      await plain.close();
    } finally {
      await server.close();
    }
  });
});
