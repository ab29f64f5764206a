import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeServer } from './fakes.js';
import { connectedClient } from './helpers.js';

describe('session', () => {
  test('refreshes ahead of expiry, and rotates the refresh token', async () => {
    const { server, clock, client } = await connectedClient({}, new FakeServer(), undefined, undefined, false);
    assert.equal(server.refreshes, 0);
    await clock.advance(900_000 - 60_000);
    assert.equal(server.refreshes, 1);
    await clock.advance(900_000 - 60_000);
    assert.equal(server.refreshes, 2, 'the new refresh token worked: the old one was spent');
    assert.ok(client.loggedIn);
  });

  test('callers racing for an expired token share one refresh', async () => {
    const server = new FakeServer();
    server.accessTokenTtlS = 3; // already inside the 5 s margin: every call needs a refresh
    const { client } = await connectedClient({}, server, undefined, undefined, false);
    server.accessTokenTtlS = 900;
    await Promise.all(Array.from({ length: 8 }, () => client.api.friends()));
    assert.equal(server.refreshes, 1, 'one refresh, not eight (racing refreshes count as reuse)');
  });

  test('a refused refresh ends the session once', async () => {
    const server = new FakeServer();
    server.accessTokenTtlS = 3;
    const { client } = await connectedClient({}, server, undefined, undefined, false);
    const ended: string[] = [];
    client.on('sessionEnded', (e) => ended.push(e.reason));
    (server as unknown as { refreshTokens: Map<string, boolean> }).refreshTokens.clear();
    const results = await Promise.allSettled([client.api.friends(), client.api.friends()]);
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.deepEqual(ended, ['refresh_rejected']);
    assert.equal(client.loggedIn, false);
  });

  test('a stored session is used after a restart without logging in again', async () => {
    const server = new FakeServer();
    const first = await connectedClient({}, server, undefined, undefined, false);
    await first.client.close();
    const logins = server.requests.filter((r) => r.includes('/login')).length;
    const second = await connectedClient({}, server, first.clock, first.store);
    assert.equal(server.requests.filter((r) => r.includes('/login')).length, logins);
    assert.equal(second.client.connectionState, 'open');
  });
});
