import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay } from '../../src/backoff.js';
import { FakeServer } from './fakes.js';
import { connectedClient } from './helpers.js';

describe('backoff', () => {
  test('draws from [0, base * 2^attempt) and never exceeds the cap', () => {
    assert.equal(backoffDelay(0, () => 0.999), 499);
    assert.equal(backoffDelay(1, () => 0.999), 999);
    assert.equal(backoffDelay(3, () => 0.5), 2000);
    assert.equal(backoffDelay(20, () => 0.999), 29_970);
    assert.equal(backoffDelay(5, () => 0), 50, 'at least 50 ms, so no tight loop');
  });
});

describe('connection', () => {
  test('opens with a fresh ticket per handshake', async () => {
    const { server, client } = await connectedClient();
    assert.equal(client.connectionState, 'open');
    assert.equal(server.lastSocket.url, 'ws://fake.test/ws?ticket=t1');
  });

  test('reconnects after a dropped socket, after a jittered delay, with a new ticket', async () => {
    const { server, clock, client } = await connectedClient({ random: () => 0.999 });
    const states: { state: string; delayMs?: number }[] = [];
    client.on('connection', (e) => states.push(e));
    server.lastSocket.kill();
    await clock.advance(0);
    const waiting = states.find((s) => s.state === 'waiting');
    assert.ok(waiting, 'waits before reconnecting');
    assert.equal(waiting.delayMs, 499, 'first retry within [0, 500)');
    await clock.advance(500);
    assert.equal(client.connectionState, 'open');
    assert.equal(server.sockets.length, 2);
    assert.equal(server.lastSocket.url, 'ws://fake.test/ws?ticket=t2');
  });

  test('backs off exponentially while the socket cannot open, up to the cap', async () => {
    const { server, clock, client } = await connectedClient({ random: () => 0.999 });
    const delays: number[] = [];
    client.on('connection', (e) => {
      if (e.state === 'waiting') delays.push(e.delayMs!);
    });
    server.refuseTickets = true;
    server.lastSocket.kill();
    await clock.advance(5 * 60_000);
    assert.deepEqual(delays.slice(0, 7), [499, 999, 1998, 3996, 7992, 15984, 29970]);
    assert.ok(delays.slice(7).every((d) => d <= 30_000));
    server.refuseTickets = false;
    await clock.advance(30_000);
    assert.equal(client.connectionState, 'open');
  });

  test('comes back within a second after 1001 (instance shutting down)', async () => {
    const { server, clock, client } = await connectedClient({ random: () => 0.999 });
    const delays: number[] = [];
    client.on('connection', (e) => {
      if (e.state === 'waiting') delays.push(e.delayMs!);
    });
    server.lastSocket.serverClose(1001, 'going away');
    await clock.advance(1_000);
    assert.deepEqual(delays, [999]);
    assert.equal(client.connectionState, 'open');
  });

  test('never reconnects after 4001 and reports the session ended', async () => {
    const { server, clock, client } = await connectedClient();
    const ended: string[] = [];
    client.on('sessionEnded', (e) => ended.push(e.reason));
    server.lastSocket.serverClose(4001, 'session revoked');
    await clock.advance(10 * 60_000);
    assert.deepEqual(ended, ['revoked']);
    assert.equal(server.sockets.length, 1);
    assert.equal(client.loggedIn, false);
    assert.equal(client.connectionState, 'stopped');
  });

  test('pings at the interval the welcome gives', async () => {
    const server = new FakeServer();
    server.heartbeatIntervalMs = 5_000;
    const { clock } = await connectedClient({}, server);
    await clock.advance(4_999);
    assert.equal(server.lastSocket.sentOfType('ping').length, 0);
    await clock.advance(1);
    assert.equal(server.lastSocket.sentOfType('ping').length, 1);
    await clock.advance(10_000);
    assert.equal(server.lastSocket.sentOfType('ping').length, 3);
  });

  test('drops a socket on which a ping gets no answer, and reconnects', async () => {
    const server = new FakeServer();
    server.heartbeatIntervalMs = 5_000;
    const { clock, client } = await connectedClient({ random: () => 0 }, server);
    server.answerPings = false;
    await clock.advance(5_000 + 5_000);
    assert.equal(server.sockets[0]!.readyState, 3, 'the silent socket was closed by the client');
    await clock.advance(100);
    assert.equal(server.sockets.length, 2);
    assert.equal(client.connectionState, 'open');
  });
});
