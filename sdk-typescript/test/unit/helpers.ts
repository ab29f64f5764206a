import { ParleyClient, type ParleyClientOptions } from '../../src/client.js';
import type { Message } from '../../src/protocol.js';
import { MemoryStore, type Store } from '../../src/store.js';
import { FakeServer, ManualClock } from './fakes.js';

export interface Harness {
  server: FakeServer;
  clock: ManualClock;
  client: ParleyClient;
  store: Store;
  /** Every message the client showed, in the order shown. */
  shown: Message[];
}

/** A logged-in, connected client against a fake server, on a manual clock. */
export async function connectedClient(
  options: Partial<ParleyClientOptions> = {},
  server = new FakeServer(),
  clock = new ManualClock(),
  store: Store = new MemoryStore(),
  connect = true,
): Promise<Harness> {
  const client = await ParleyClient.create({
    baseUrl: 'http://fake.test',
    store,
    WebSocket: server.WebSocket,
    fetch: server.fetch,
    clock,
    random: () => 0.5,
    deviceId: server.deviceId,
    presence: false,
    ...options,
  });
  const shown: Message[] = [];
  client.on('messages', (e) => shown.push(...e.messages));
  if (!client.loggedIn) await client.login('me', 'secret-password');
  if (connect) {
    client.connect();
    await clock.advance(0);
  }
  return { server, clock, client, store, shown };
}

export function seqs(messages: { seq: number }[]): number[] {
  return messages.map((m) => m.seq);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
