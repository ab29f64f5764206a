/**
 * The SDK against the real system (`./im up`): the client side of the delivery guarantees,
 * end to end, through the gateway. Run by `npm run test:system`, and by system-tests'
 * `TypeScriptSdkSystemTests` in `./mvnw verify`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FileStore } from '../../src/node/file-store.js';
import { baseUrl, befriend, connect, history, registerUser, texts, until, type Connected, type TestUser } from './system.js';

const range = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe(`the TypeScript SDK against ${baseUrl}`, () => {
  let aliceUser: TestUser;
  let bobUser: TestUser;
  let alice: Connected;
  let bob: Connected;
  let conversationId: string;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-sdk-system-'));
    aliceUser = await registerUser('sdk_alice');
    bobUser = await registerUser('sdk_bob');
    alice = await connect(aliceUser);
    bob = await connect(bobUser);
    conversationId = await befriend(alice.client, bob.client, bobUser.userId);
  });

  after(async () => {
    await alice?.client.close();
    await bob?.client.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a socket killed in the middle of 200 pipelined sends: all 200 stored once, in order, shown once', { timeout: 120_000 }, async () => {
    const sentBefore = (await history(alice.client, conversationId)).length;
    const shownBefore = bob.shown.length;
    let acked = 0;
    let reorders = 0;
    const started = Date.now();
    const off = alice.client.on('sent', () => {
      acked++;
    });
    const offReorder = alice.client.on('reordered', () => {
      reorders++;
    });
    const pending = [];
    for (const text of range(200, 'pipelined ')) pending.push((await alice.client.send(conversationId, 'text', { text })).acked);
    await until('some of them acked', () => acked >= 60, 60_000);
    const killed = alice.sockets.last;
    killed.terminate(); // mid-pipeline: sends in flight, acks on the way, all lost with the socket
    const acks = await Promise.all(pending);
    const elapsed = Date.now() - started;
    off();
    offReorder();
    console.log(`[figures] 200 pipelined sends, socket killed after 60 acks: all acked in ${elapsed} ms, ${alice.sockets.made.length - 1} reconnect(s), ${reorders} reorders`);
    assert.equal(reorders, 0, 'no send was acked before an earlier one');
    assert.ok(alice.sockets.made.length >= 2, 'the client reconnected');
    assert.deepEqual(acks.map((m) => m.seq), acks.map((_, i) => sentBefore + i + 1), 'acked with consecutive seqs in send order');

    const stored = (await history(bob.client, conversationId)).slice(sentBefore);
    assert.deepEqual(texts(stored), range(200, 'pipelined '), 'stored once each, in the order sent');
    assert.equal(new Set(stored.map((m) => m.clientMsgId)).size, 200);

    await until('bob shows all 200', () => bob.shown.length - shownBefore >= 200, 30_000);
    const shown = bob.shown.slice(shownBefore);
    assert.deepEqual(texts(shown), range(200, 'pipelined '), 'shown once each, in order');
    assert.equal(new Set(bob.shown.map((m) => m.seq)).size, bob.shown.length, 'no seq shown twice');
  });

  test('a client restarted with unsent messages in its store sends them after the restart', { timeout: 120_000 }, async () => {
    const storePath = join(dir, 'alice-device-2.json');
    const before = (await history(bob.client, conversationId)).length;
    // A second device of alice writes three messages while offline, then its process dies.
    const child = spawn(process.execPath, [
      fileURLToPath(new URL('./restart-child.js', import.meta.url)),
      baseUrl, storePath, aliceUser.username, aliceUser.password, conversationId, '3',
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    await until('the child queued its messages', () => output.includes('QUEUED'), 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.equal((await history(bob.client, conversationId)).length, before, 'nothing was sent before the crash');

    // The restarted app: same store, session restored from it, no login.
    const restarted = await connect(aliceUser, { store: new FileStore(storePath) }, false);
    try {
      await until('the restored queue is sent', () => restarted.client.pending().length === 0, 30_000);
      const stored = (await history(bob.client, conversationId)).slice(before);
      assert.deepEqual(texts(stored), ['offline 1', 'offline 2', 'offline 3']);
      const again = await new FileStore(storePath).open();
      assert.deepEqual(again.outbox, [], 'the queue in the store is empty');
      await until('bob shows them', () => texts(bob.shown).includes('offline 3'), 30_000);
      assert.equal(texts(bob.shown).filter((t) => t.startsWith('offline')).length, 3);
    } finally {
      await restarted.client.close();
    }
  });

  test('a repeated push is not shown twice', { timeout: 60_000 }, async () => {
    // A device that holds back its recv longer than the server's 10 s redelivery gets the push again.
    const slowRecv = await connect(bobUser, { inbox: { recvBatchMs: 25_000 } });
    try {
      await until('the slow device synced', () => slowRecv.client.conversations().some((c) => c.conversationId === conversationId), 30_000);
      const { acked } = await alice.client.send(conversationId, 'text', { text: 'say it once' });
      const { seq } = await acked;
      await until('the push came twice (redelivery)', () => slowRecv.raw.filter((m) => m.seq === seq).length >= 2, 30_000);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(slowRecv.shown.filter((m) => m.seq === seq).length, 1, 'shown once');
    } finally {
      await slowRecv.client.close();
    }
  });

  test('a gap is filled', { timeout: 60_000 }, async () => {
    const first = await (await alice.client.send(conversationId, 'text', { text: 'before the gap' })).acked;
    await until('bob has it', () => bob.shown.some((m) => m.seq === first.seq), 30_000);
    // The push of the next message is lost on its way to bob.
    bob.sockets.dropIncoming = (frame) => frame['type'] === 'message' && frame['seq'] === first.seq + 1;
    const gaps: string[] = [];
    const off = bob.client.on('gap', (g) => gaps.push(`${g.fromSeq}-${g.toSeq}`));
    await (await alice.client.send(conversationId, 'text', { text: 'lost push' })).acked;
    await (await alice.client.send(conversationId, 'text', { text: 'after the gap' })).acked;
    await until('bob shows both', () => bob.shown.some((m) => m.seq === first.seq + 2), 8_000); // before any redelivery (10 s)
    off();
    bob.sockets.dropIncoming = null;
    assert.equal(bob.sockets.dropped.length, 1, 'the push really was lost');
    assert.deepEqual(gaps, [`${first.seq + 1}-${first.seq + 1}`]);
    const tail = bob.shown.filter((m) => m.seq >= first.seq);
    assert.deepEqual(texts(tail), ['before the gap', 'lost push', 'after the gap'], 'shown in order, once');
  });
});
