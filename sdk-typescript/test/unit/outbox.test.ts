import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ParleyError } from '../../src/http.js';
import { MemoryStore } from '../../src/store.js';
import { FakeServer, ManualClock } from './fakes.js';
import { connectedClient, range, seqs } from './helpers.js';

const C = 'd_conversation';

function textsOf(server: FakeServer, conversationId = C): string[] {
  return server.messagesOf(conversationId).map((m) => String(m.body?.['text']));
}

describe('outbox', () => {
  test('pipelines a conversation up to its window and sends the rest as acks come', async () => {
    const server = new FakeServer();
    server.holdSends = true;
    const { clock, client } = await connectedClient({}, server);
    for (let i = 1; i <= 20; i++) await client.send(C, 'text', { text: `m${i}` });
    await clock.advance(0);
    assert.equal(server.heldSends.length, 8, 'eight sends of one conversation in flight');
    server.releaseSends(3);
    await clock.advance(0);
    assert.equal(server.heldSends.length, 8, 'three acks let three more go');
    server.holdSends = false;
    server.releaseSends();
    await clock.advance(0);
    assert.deepEqual(textsOf(server), range(1, 20).map((i) => `m${i}`));
    assert.equal(client.pending().length, 0);
  });

  test('a socket killed in the middle of 200 pipelined sends: all 200 stored once, in order, acked once', async () => {
    const server = new FakeServer();
    server.holdSends = true;
    const { clock, client } = await connectedClient({ outbox: { sendRate: 1000, sendBurst: 1000 } }, server);
    const acked: string[] = [];
    client.on('sent', (e) => acked.push(e.entry.clientMsgId));
    const ids: string[] = [];
    for (let i = 1; i <= 200; i++) ids.push((await client.send(C, 'text', { text: `m${i}` }, `id-${i}`)).entry.clientMsgId);
    // 90 handled and acked, then five more stored whose acks never arrive: the socket dies.
    for (let round = 0; round < 30; round++) {
      server.releaseSends(3);
      await clock.advance(0);
    }
    const socket = server.lastSocket;
    socket.kill();
    server.releaseSends(5); // stored, but the acks go nowhere
    await clock.advance(0);
    server.heldSends.length = 0; // whatever else was in flight is lost with the socket
    server.holdSends = false;
    await clock.advance(10_000);
    assert.ok(server.sockets.length >= 2, 'reconnected');
    assert.deepEqual(textsOf(server), range(1, 200).map((i) => `m${i}`), 'stored once each, in order');
    assert.deepEqual(seqs(server.messagesOf(C)), range(1, 200));
    assert.deepEqual([...acked].sort(), [...ids].sort(), 'each acked once');
    assert.equal(new Set(acked).size, 200);
    assert.equal(client.pending().length, 0);
  });

  test('resends over REST while the socket is down, one request at a time per conversation', async () => {
    const server = new FakeServer();
    const { clock, client } = await connectedClient({}, server);
    server.refuseTickets = true;
    server.lastSocket.kill();
    await clock.advance(0);
    const pending = [];
    for (let i = 1; i <= 12; i++) pending.push((await client.send(C, 'text', { text: `r${i}` })).acked);
    await clock.advance(1_000);
    const messages = await Promise.all(pending);
    assert.deepEqual(seqs(messages), range(1, 12));
    assert.equal(server.restSends.length, 12);
    assert.equal(server.maxRestInFlight, 1);
    assert.deepEqual(textsOf(server), range(1, 12).map((i) => `r${i}`));
  });

  test('a resend after a lost ack is answered with the first message, and stores nothing twice', async () => {
    const server = new FakeServer();
    server.holdSends = true;
    const { clock, client } = await connectedClient({}, server);
    const { acked } = await client.send(C, 'text', { text: 'once' }, 'only-one');
    await clock.advance(0);
    server.lastSocket.kill();
    server.releaseSends(); // stored; the ack is lost with the socket
    server.holdSends = false;
    await clock.advance(5_000);
    const message = await acked;
    assert.equal(server.messagesOf(C).length, 1);
    assert.equal(message.seq, 1);
    const attempts =
      server.framesOfType('send').filter((f) => f['id'] === 'only-one').length +
      server.requests.filter((r) => r.startsWith('POST /api/conversations/')).length;
    assert.equal(attempts, 2, 'sent twice with the same id (socket, then REST or the new socket)');
  });

  test('with one send in flight per conversation, order holds through rate-limit refusals', async () => {
    const server = new FakeServer();
    let refusals = 0;
    server.refuseSend = (id) => (id === 'k-3' && refusals++ < 2 ? { code: 'rate_limited', retryAfterMs: 700 } : null);
    const { clock, client } = await connectedClient({ outbox: { maxInFlightPerConversation: 1 } }, server);
    for (let i = 1; i <= 6; i++) await client.send(C, 'text', { text: `k${i}` }, `k-${i}`);
    await clock.advance(5_000);
    assert.equal(refusals, 3, 'refused twice, then stored');
    assert.deepEqual(textsOf(server), ['k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
  });

  test('a refusal in a pipelined window is resent after retryAfterMs, and the reorder is reported', async () => {
    const server = new FakeServer();
    let refused = false;
    server.refuseSend = (id) => (id === 'w-2' && !refused ? ((refused = true), { code: 'rate_limited', retryAfterMs: 500 }) : null);
    server.holdSends = true;
    const { clock, client } = await connectedClient({}, server);
    const reorders: string[] = [];
    client.on('reordered', (e) => reorders.push(`${e.ackedClientMsgId}<${e.pendingClientMsgId}`));
    for (let i = 1; i <= 4; i++) await client.send(C, 'text', { text: `w${i}` }, `w-${i}`);
    await clock.advance(0);
    assert.equal(server.heldSends.length, 4, 'all four in flight');
    server.holdSends = false;
    server.releaseSends();
    await clock.advance(499);
    assert.deepEqual(textsOf(server), ['w1', 'w3', 'w4'], 'the two after it were in flight and stored');
    assert.deepEqual(reorders, ['w-3<w-2', 'w-4<w-2']);
    await clock.advance(1);
    assert.deepEqual(textsOf(server), ['w1', 'w3', 'w4', 'w2'], 'resent after retryAfterMs');
    assert.equal(client.pending().length, 0);
  });

  test('the client keeps its own pace below the server limit', async () => {
    const server = new FakeServer();
    const { clock, client } = await connectedClient({ outbox: { sendRate: 10, sendBurst: 5 } }, server);
    for (let i = 1; i <= 25; i++) await client.send(C, 'text', { text: `p${i}` });
    await clock.advance(0);
    assert.equal(server.messagesOf(C).length, 5, 'the burst');
    await clock.advance(1_000);
    assert.equal(server.messagesOf(C).length, 15, 'then 10 per second');
    await clock.advance(1_000);
    assert.equal(server.messagesOf(C).length, 25);
  });

  test('a final refusal rejects acked, keeps the entry as failed, and the next messages go on', async () => {
    const server = new FakeServer();
    server.refuseSend = (id) => (id === 'bad' ? { code: 'not_friends' } : null);
    const { clock, client } = await connectedClient({}, server);
    const { acked } = await client.send(C, 'text', { text: 'x' }, 'bad');
    await client.send(C, 'text', { text: 'after' }, 'good');
    await clock.advance(0);
    await assert.rejects(acked, (e: unknown) => e instanceof ParleyError && e.code === 'not_friends');
    assert.deepEqual(client.failed().map((e) => e.clientMsgId), ['bad']);
    assert.deepEqual(textsOf(server), ['after']);
    server.refuseSend = null;
    await client.retry('bad');
    await clock.advance(0);
    assert.deepEqual(textsOf(server), ['after', 'x']);
    assert.equal(client.failed().length, 0);
  });

  test('unsent messages in the store are sent after a restart, once, in order', async () => {
    const server = new FakeServer();
    const store = new MemoryStore();
    const clock = new ManualClock();
    const first = await connectedClient({}, server, clock, store, false);
    server.restDown = true;
    for (let i = 1; i <= 3; i++) await first.client.send(C, 'text', { text: `offline ${i}` });
    await first.client.close();
    assert.equal(server.messagesOf(C).length, 0);
    server.restDown = false;
    const second = await connectedClient({}, server, clock, store);
    assert.equal(second.client.pending().length, 0, 'restored and sent');
    assert.deepEqual(textsOf(server), ['offline 1', 'offline 2', 'offline 3']);
    assert.deepEqual((await store.open()).outbox, []);
  });

  test('sends without an answer for 20 s mean a dead socket: reconnect and resend', async () => {
    const server = new FakeServer();
    server.holdSends = true;
    const { clock, client } = await connectedClient({ random: () => 0 }, server);
    const { acked } = await client.send(C, 'text', { text: 'stuck' });
    await clock.advance(19_000);
    assert.equal(server.sockets.length, 1);
    server.heldSends.length = 0;
    server.holdSends = false;
    await clock.advance(2_000);
    assert.equal(server.sockets.length, 2);
    assert.equal((await acked).seq, 1);
  });
});
