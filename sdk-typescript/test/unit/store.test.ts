import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { IndexedDbStore } from '../../src/indexeddb-store.js';
import { FileStore } from '../../src/node/file-store.js';
import type { Message } from '../../src/protocol.js';
import { MemoryStore, StoreWriter, type Store } from '../../src/store.js';

function message(conversationId: string, seq: number): Message {
  return {
    messageId: `m${seq}`, conversationId, seq, senderId: 'u', senderDeviceId: 'd', clientMsgId: `c${seq}`,
    kind: 'text', body: { text: `ünïcødé ${seq} 👋` }, createdAt: new Date(seq).toISOString(),
  };
}

const kinds: [string, () => Promise<{ make: () => Store; cleanup: () => Promise<void> }>][] = [
  ['MemoryStore', async () => { const s = new MemoryStore(); return { make: () => s, cleanup: async () => {} }; }],
  ['FileStore', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-sdk-'));
    return { make: () => new FileStore(join(dir, 'store.json')), cleanup: () => rm(dir, { recursive: true, force: true }) };
  }],
  ['IndexedDbStore', async () => {
    const name = `parley-test-${Math.random()}`;
    return { make: () => new IndexedDbStore(name), cleanup: async () => { indexedDB.deleteDatabase(name); } };
  }],
];

for (const [kind, setup] of kinds) {
  describe(kind, () => {
    test('keeps messages, positions, the outbox and meta across a reopen', async () => {
      const { make, cleanup } = await setup();
      try {
        const store = make();
        await store.open();
        await store.write({
          messages: [message('a', 1), message('a', 2), message('a', 3), message('b', 1)],
          positions: [{ conversationId: 'a', baseSeq: 0, syncedSeq: 3, lastSeq: 3, readSeq: 1 }],
          outboxPut: [
            { clientMsgId: 'x2', conversationId: 'a', kind: 'text', body: { text: 'two' }, order: 2, createdAt: 2 },
            { clientMsgId: 'x1', conversationId: 'a', kind: 'text', body: { text: 'one' }, order: 1, createdAt: 1 },
            { clientMsgId: 'gone', conversationId: 'a', kind: 'text', body: { text: '-' }, order: 3, createdAt: 3 },
          ],
          meta: { syncToken: 't1', session: { accessToken: 'a' } },
        });
        await store.write({ outboxDelete: ['gone'], meta: { syncToken: 't2' }, messages: [{ ...message('a', 2), body: null, recalledAt: 'x' }] });
        await store.close();
        const reopened = make();
        const state = await reopened.open();
        assert.deepEqual(state.outbox.map((e) => e.clientMsgId), ['x1', 'x2'], 'in the order written');
        assert.deepEqual(state.positions, [{ conversationId: 'a', baseSeq: 0, syncedSeq: 3, lastSeq: 3, readSeq: 1 }]);
        assert.equal(state.meta['syncToken'], 't2');
        assert.deepEqual(state.meta['session'], { accessToken: 'a' });
        assert.deepEqual((await reopened.messages('a', { afterSeq: 1 })).map((m) => m.seq), [2, 3]);
        assert.deepEqual((await reopened.messages('a', { beforeSeq: 3, limit: 1 })).map((m) => m.seq), [2]);
        assert.deepEqual((await reopened.messages('a', { limit: 2 })).map((m) => m.seq), [2, 3], 'the newest, ascending');
        assert.equal((await reopened.messages('a', { afterSeq: 1, limit: 1 }))[0]?.body, null, 'rewritten by key');
        assert.equal((await reopened.messages('a', { afterSeq: 2, limit: 1 }))[0]?.body?.['text'], 'ünïcødé 3 👋');
        assert.deepEqual(await reopened.messages('nothing'), []);
        await reopened.close();
      } finally {
        await cleanup();
      }
    });
  });
}

describe('StoreWriter', () => {
  test('merges the writes queued while one runs, in order, and resolves each', async () => {
    const writes: unknown[] = [];
    const store = new MemoryStore();
    const slow: Store = {
      open: () => store.open(),
      messages: (c, r) => store.messages(c, r),
      close: () => store.close(),
      write: async (w) => {
        writes.push(w);
        await new Promise((r) => setTimeout(r, 5));
        await store.write(w);
      },
    };
    const writer = new StoreWriter(slow, () => {});
    const done = [];
    for (let i = 1; i <= 50; i++) done.push(writer.write({ messages: [message('a', i)] }));
    done.push(writer.write({ outboxPut: [{ clientMsgId: 'k', conversationId: 'a', kind: 'text', body: {}, order: 1, createdAt: 0 }] }));
    done.push(writer.write({ outboxDelete: ['k'] }));
    await Promise.all(done);
    assert.ok(writes.length <= 2, `50 changes in ${writes.length} writes`);
    assert.equal((await store.messages('a', { limit: 100 })).length, 50);
    assert.deepEqual((await store.open()).outbox, [], 'a put then a delete deletes');
  });
});
