import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeServer } from './fakes.js';
import { connectedClient, range, seqs } from './helpers.js';

const C = 'd_conversation';

describe('inbox', () => {
  test('a repeated push is shown once, and the recv is sent again', async () => {
    const { server, clock, client, shown } = await connectedClient();
    const duplicates: number[] = [];
    client.on('duplicate', (e) => duplicates.push(e.message.seq));
    const message = server.store(C);
    await clock.advance(200);
    const recvsBefore = server.lastSocket.sentOfType('recv').length;
    server.push(message); // a redelivery
    server.push(message);
    await clock.advance(200);
    assert.deepEqual(seqs(shown), [1]);
    assert.deepEqual(duplicates, [1, 1]);
    assert.ok(server.lastSocket.sentOfType('recv').length > recvsBefore, 'told the server again that it has seq 1');
  });

  test('a gap is noticed, filled with afterSeq, and the messages are shown in order', async () => {
    const server = new FakeServer();
    server.dropPush = (m) => m.seq === 2 || m.seq === 3;
    const { clock, client, shown } = await connectedClient({}, server);
    const gaps: string[] = [];
    client.on('gap', (e) => gaps.push(`${e.fromSeq}-${e.toSeq}`));
    server.store(C);
    await clock.advance(200); // the conversation is known and synced
    server.requests.length = 0;
    for (let i = 2; i <= 5; i++) server.store(C);
    await clock.advance(0);
    assert.deepEqual(seqs(shown), [1], 'nothing shown past the gap yet');
    assert.deepEqual(gaps, ['2-3']);
    await clock.advance(100);
    assert.deepEqual(seqs(shown), [1, 2, 3, 4, 5]);
    assert.ok(server.requests.includes(`GET /api/conversations/${C}/messages?afterSeq=1&limit=200`));
  });

  test('catches up after a reconnect what was stored while the socket was down', async () => {
    const { server, clock, shown } = await connectedClient({ random: () => 0 });
    server.store(C);
    await clock.advance(0);
    server.lastSocket.kill();
    await clock.advance(0);
    for (let i = 0; i < 250; i++) server.store(C, 'u-peer', { text: `while away ${i}` }, false);
    await clock.advance(1_000);
    assert.deepEqual(seqs(shown), range(1, 251), 'two pages, each message once, in order');
  });

  test('seqs this user may not read are skipped, not fetched forever', async () => {
    const server = new FakeServer();
    for (let i = 1; i <= 8; i++) server.store('g_group', 'u-peer', { text: `${i}` }, false);
    for (let i = 1; i <= 5; i++) server.unreadable.add(`g_group:${i}`); // before joining
    const { clock, client, shown } = await connectedClient({}, server);
    await clock.advance(1_000);
    assert.deepEqual(seqs(shown), [6, 7, 8]);
    assert.equal(client.conversations().find((c) => c.conversationId === 'g_group')?.syncedSeq, 8);
    const fetches = server.requests.filter((r) => r.includes('/g_group/messages')).length;
    await clock.advance(60_000);
    assert.equal(server.requests.filter((r) => r.includes('/g_group/messages')).length, fetches, 'no more fetching');
  });

  test('recv is batched: one frame per conversation with the highest seq held without a gap', async () => {
    const { server, clock } = await connectedClient();
    await clock.advance(200);
    for (let i = 0; i < 30; i++) server.store(C);
    for (let i = 0; i < 5; i++) server.store('d_other');
    await clock.advance(150);
    const recvs = server.lastSocket.sentOfType('recv');
    assert.deepEqual(
      recvs.map((r) => `${r['conversationId']}:${r['seq']}`).sort(),
      [`${C}:30`, 'd_other:5'],
    );
  });

  test('a recall empties the stored message', async () => {
    const { server, clock, client } = await connectedClient();
    const original = server.store(C);
    await clock.advance(0);
    const recalled: number[] = [];
    client.on('recalled', (m) => recalled.push(m.seq));
    const recall = server.store(C, 'u-peer', { messageId: original.messageId, seq: 1 }, false);
    recall.kind = 'recall';
    server.push(recall);
    await clock.advance(0);
    assert.deepEqual(recalled, [1]);
    const [stored] = await client.messages(C, { afterSeq: 0, limit: 1 });
    assert.equal(stored?.body, null);
    assert.ok(stored?.recalledAt);
  });

  test('a recall that arrives before its message marks the message when it comes', async () => {
    const { server, clock, client, shown } = await connectedClient();
    await clock.advance(200);
    const original = server.store(C, 'u-peer', { text: 'oops' }, false); // seq 1, push delayed
    const recall = server.store(C, 'u-peer', { messageId: original.messageId, seq: 1 }, false);
    recall.kind = 'recall';
    server.push(recall); // seq 2 first: held behind the gap
    await clock.advance(0);
    server.push(original); // the late push of seq 1, still with its body
    await clock.advance(200);
    assert.deepEqual(seqs(shown), [1, 2]);
    assert.equal(shown[0]?.body, null, 'shown recalled, not with its text');
    assert.ok(shown[0]?.recalledAt);
    const [stored] = await client.messages(C, { afterSeq: 0, limit: 1 });
    assert.equal(stored?.body, null);
  });

  test('unread follows pushes, own sends and read receipts of other devices', async () => {
    const { server, clock, client } = await connectedClient();
    await clock.advance(200);
    const counts: number[] = [];
    client.on('unread', (e) => counts.push(e.total));
    server.store(C);
    server.store(C);
    await clock.advance(0);
    assert.equal(client.unread(C), 2);
    server.lastSocket.deliver({ type: 'receipt', conversationId: C, userId: server.userId, readSeq: 1 });
    await clock.advance(0);
    assert.equal(client.unread(C), 1, "this user's other device read seq 1");
    await (await client.send(C, 'text', { text: 'reply' })).acked;
    assert.equal(client.unread(C), 0, 'an own send reads everything below it');
    assert.equal(client.unreadTotal(), 0);
    assert.equal(counts.at(-1), 0);
  });

  test('own acked messages are shown once, with their seq, between the others', async () => {
    const { server, clock, client, shown } = await connectedClient();
    server.store(C);
    await clock.advance(0);
    await (await client.send(C, 'text', { text: 'mine' })).acked;
    server.store(C);
    await clock.advance(0);
    assert.deepEqual(seqs(shown), [1, 2, 3]);
    assert.equal(shown[1]?.senderId, server.userId);
    assert.equal(shown[1]?.senderDeviceId, server.deviceId);
  });
});
