/**
 * The first life of a client in the restart test: logs in with a file store, writes messages
 * while it has no connection (it never connects, and REST sends are off: an app offline), prints
 * QUEUED once they are durable in the store, and waits to be killed.
 *
 * Arguments: baseUrl storePath username password conversationId count
 */
import WebSocket from 'ws';
import { ParleyClient } from '../../src/client.js';
import { FileStore } from '../../src/node/file-store.js';
import type { WebSocketFactory } from '../../src/socket.js';

const [baseUrl, storePath, username, password, conversationId, count] = process.argv.slice(2) as [string, string, string, string, string, string];

const client = await ParleyClient.create({
  baseUrl,
  store: new FileStore(storePath),
  WebSocket: WebSocket as unknown as WebSocketFactory,
  presence: false,
  outbox: { restFallback: false },
});
await client.login(username, password);
for (let i = 1; i <= Number(count); i++) await client.send(conversationId, 'text', { text: `offline ${i}` });
process.stdout.write('QUEUED\n');
setInterval(() => {}, 1_000); // until killed
