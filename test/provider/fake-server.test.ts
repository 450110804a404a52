// The fake server is shared test infrastructure; its extension points must work.
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startFakeServer, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe('fake server', () => {
  it('serves extra routes with path parameters and records them', async () => {
    server = await startFakeServer({
      routes: [{ method: 'GET', path: '/v1/batches/:id', handle: ({ res, params }) => sendJson(res, 200, { id: params.id }) }],
    });
    server.addRoute({ method: 'POST', path: '/v1/files', handle: ({ res, request }) => sendJson(res, 200, { bytes: request.rawBody.length }) });
    const got = await (await fetch(`${server.url}/batches/b_1`)).json();
    const posted = await (await fetch(`${server.url}/files`, { method: 'POST', body: 'abcd' })).json();
    const missing = await fetch(`${server.url}/nothing`);
    expect(got).toEqual({ id: 'b_1' });
    expect(posted).toEqual({ bytes: 4 });
    expect(missing.status).toBe(404);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/batches/b_1', 'POST /v1/files', 'GET /v1/nothing']);
  });

  it('consumes the script before the handler', async () => {
    server = await startFakeServer({ script: [{ status: 503 }, 'scripted'], handler: () => 'handled' });
    const post = () =>
      fetch(`${server!.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [] }),
      });
    const statuses = [];
    const contents = [];
    for (let i = 0; i < 3; i++) {
      const r = await post();
      statuses.push(r.status);
      const j = (await r.json()) as any;
      contents.push(j.choices?.[0]?.message?.content ?? null);
    }
    expect(statuses).toEqual([503, 200, 200]);
    expect(contents).toEqual([null, 'scripted', 'handled']);
  });
});
