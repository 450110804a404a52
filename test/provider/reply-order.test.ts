// Replies that arrive together free their slots before any caller works on
// its reply: the requests queued behind those slots go out first. Done in
// arrival order, the caller's work on the first reply (its parse, its record,
// the next prompt) ran before the second reply's slot was even seen free.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Provider, type ChatRequest, type Endpoint } from '../../src/provider/index.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer;
let ep: Endpoint;
const events: string[] = [];
const onStart = () => {
  events.push('sent');
};

beforeEach(async () => {
  events.length = 0;
  // After an opening call (the pacer lets one request out until the first
  // reply), the next two are held until both are in, then answered in one
  // stretch of the server's handler: both replies are on the client's sockets
  // before its event loop looks again.
  let release!: () => void;
  const both = new Promise<void>((r) => (release = r));
  server = await startFakeServer({
    handler: async (body, ctx) => {
      if (ctx.index === 2) release();
      if (ctx.index === 1 || ctx.index === 2) await both;
      return { content: `reply ${body.messages[0].content}` };
    },
  });
  ep = { name: 'fake', baseUrl: server.url, model: 'fake-model' };
  subscribe('http.client.request.start', onStart);
});
afterEach(async () => {
  unsubscribe('http.client.request.start', onStart);
  await server.close();
});

const req = (i: number): ChatRequest => ({
  endpoint: ep,
  messages: [{ role: 'user', content: `call ${i}` }],
  params: { temperature: 0, max_tokens: 16 },
  key: 'k',
});

describe.each(['sdk', 'node-http'] as const)('replies that arrive together (%s transport)', (transport) => {
  it('send the requests queued behind their slots before either caller continues', async () => {
    const p = new Provider({ cacheDir: null, concurrency: 2, transport });
    await p.chat(req(-1));
    events.length = 0;
    const calls = [0, 1, 2, 3].map((i) =>
      p.chat(req(i)).then((r) => {
        events.push(`done ${i}`);
        return r.content;
      }),
    );
    expect(await Promise.all(calls)).toEqual(['reply call 0', 'reply call 1', 'reply call 2', 'reply call 3']);
    // Calls 2 and 3 waited for the slots of 0 and 1 (the server saw them last)
    // and both left before 0 or 1 was handed back to its caller.
    expect(
      server.requests
        .map((r) => r.body.messages[0].content)
        .slice(3)
        .sort(),
    ).toEqual(['call 2', 'call 3']);
    expect(events.slice(0, 4)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(events.slice(4).sort()).toEqual(['done 0', 'done 1', 'done 2', 'done 3']);
  });
});
