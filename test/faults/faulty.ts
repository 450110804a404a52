// A fault-injecting wrapper around the fake role-play handler. Which request
// misbehaves is decided by a plan from the request itself (a hash of what was
// sent) and how often that exact request arrived before, never by
// Math.random: a run is reproducible, and a cap on faults per request makes
// "retries are enough to get through" a fact the test can rely on.
import { createHash } from 'node:crypto';
import type { FakeFault, FakeHandler, FakeReply, HandlerContext } from '../helpers/fake-server.js';
import { roleplayHandler } from '../e2e/fake-roleplay.js';

export interface FaultCall {
  /** Arrival order among chat requests of this handler (0-based). */
  n: number;
  /** Earlier arrivals of this exact request (same model and messages). */
  seen: number;
  /** sha256 of model and messages: the identity of a request across retries. */
  key: string;
  body: any;
}

/** What to do with one arrival: a fault, or null to answer normally. */
export type FaultPlan = (call: FaultCall) => FakeFault | null;

export interface InjectedFault {
  n: number;
  key: string;
  kind: string;
}

export interface FaultyHandler {
  handler: FakeHandler;
  /** Every fault handed out, in arrival order. */
  injected: InjectedFault[];
  /** Chat requests seen, faulty or not. */
  readonly calls: number;
}

export function requestKey(body: any): string {
  return createHash('sha256')
    .update(JSON.stringify({ model: body?.model, messages: body?.messages }))
    .digest('hex');
}

/** A deterministic draw in [0, 1) from a request key and a salt. */
export function draw(key: string, salt: string): number {
  return createHash('sha256').update(`${salt}|${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function faultKind(f: FakeFault): string {
  if ('status' in f) return String(f.status);
  if ('delayMs' in f) return 'delay';
  return Object.keys(f)[0]!;
}

export interface FaultyOptions {
  inner?: FakeHandler;
  /** Extra per-request latency in ms (deterministic per request), applied before answering. */
  latency?: (key: string) => number;
}

export function faultyHandler(plan: FaultPlan, opts: FaultyOptions = {}): FaultyHandler {
  const inner = opts.inner ?? roleplayHandler();
  const seen = new Map<string, number>();
  const injected: InjectedFault[] = [];
  let n = 0;
  const handler: FakeHandler = async (body, ctx: HandlerContext): Promise<FakeReply> => {
    const key = requestKey(body);
    const call: FaultCall = { n: n++, seen: seen.get(key) ?? 0, key, body };
    seen.set(key, call.seen + 1);
    const wait = opts.latency?.(key) ?? 0;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const fault = plan(call);
    if (!fault) return inner(body, ctx);
    injected.push({ n: call.n, key, kind: faultKind(fault) });
    // A delayed reply must carry its answer: otherwise the server asks this
    // handler again, which would count as another arrival.
    if ('delayMs' in fault && !fault.reply) return { delayMs: fault.delayMs, reply: await inner(body, ctx) };
    return fault;
  };
  return {
    handler,
    injected,
    get calls() {
      return n;
    },
  };
}

/** Count of injected faults by kind ("429", "503", "reset", …). */
export function injectedKinds(h: FaultyHandler): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of h.injected) out[f.kind] = (out[f.kind] ?? 0) + 1;
  return out;
}
