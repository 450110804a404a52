import { afterEach, describe, expect, it } from 'vitest';
import { createBatch, uploadLines } from '../../../src/pipeline/batch/submit.js';
import { lineOf } from '../../../src/pipeline/batch/lines.js';
import { chatReq, makeRig, type Rig } from './setup.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('submit', () => {
  it('uploads the lines as a batch-purpose file', async () => {
    const r = (rig = await makeRig());
    const p = r.provider();
    const lines = ['a', 'b'].map((t) => lineOf(p, chatReq(r.ep(), t)));
    const id = await uploadLines(p.batchClient(r.ep()).client, lines, 'in.jsonl');
    expect(r.api.files.get(id)).toMatchObject({ purpose: 'batch', filename: 'in.jsonl', text: lines.map((l) => l.text).join('') });
  });

  it('does not create a second batch when the reply to the first create was lost', async () => {
    const r = (rig = await makeRig());
    const real = r.api.routes.find((x) => x.method === 'POST' && x.path === '/v1/batches')!;
    let lose = true;
    r.server.addRoute({
      method: 'POST',
      path: '/v1/batches',
      handle: async (c) => {
        if (!lose) return real.handle(c);
        lose = false;
        // The batch is made, but the connection drops before the reply.
        await real.handle({ ...c, res: { destroyed: false, writeHead() {}, end() {} } as never });
        c.req.socket.destroy();
      },
    });
    const p = r.provider();
    const { client } = p.batchClient(r.ep());
    const fileId = await uploadLines(client, [lineOf(p, chatReq(r.ep(), 'a'))], 'in.jsonl');
    const b = await createBatch(client, fileId, 3, 10);
    expect(b.input_file_id).toBe(fileId);
    expect(r.api.batches.size).toBe(1);
    expect([...r.api.batches.keys()]).toEqual([b.id]);
  });

  it('does not retry a create the server rejects for good', async () => {
    const r = (rig = await makeRig());
    const { client } = r.provider().batchClient(r.ep());
    await expect(createBatch(client, 'file-missing', 3, 10)).rejects.toThrow(/not a batch file/);
    expect(r.api.counts['POST /v1/batches']).toBe(1);
  });
});
