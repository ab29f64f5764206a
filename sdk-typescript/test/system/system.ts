/**
 * Helpers of the SDK's system tests: they run against the real system (`./im up`, gateway at
 * IM_BASE_URL, default http://localhost:8080), through the SDK only.
 */
import WebSocket from 'ws';
import { Api } from '../../src/api.js';
import { ParleyClient, type ParleyClientOptions } from '../../src/client.js';
import { HttpClient } from '../../src/http.js';
import type { Message } from '../../src/protocol.js';
import type { WebSocketLike } from '../../src/socket.js';

export const baseUrl = (process.env['IM_BASE_URL'] ?? 'http://localhost:8080').replace(/\/$/, '');

/** Polls `check` every 50 ms until it returns true, or fails after `timeoutMs` with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The `ws` package behind the WebSocketLike the SDK takes, with two test knobs: every socket made
 * is recorded (so a test can kill one: `terminate()` drops the TCP connection without a close
 * handshake, as a lost network does), and incoming frames can be dropped by a filter.
 */
export class TestSockets {
  readonly made: TestSocket[] = [];
  dropIncoming: ((frame: Record<string, unknown>) => boolean) | null = null;
  dropped: Record<string, unknown>[] = [];

  readonly factory = ((sockets: TestSockets) =>
    class extends TestSocket {
      constructor(url: string) {
        super(url, sockets);
        sockets.made.push(this);
      }
    })(this);

  get last(): TestSocket {
    const s = this.made[this.made.length - 1];
    if (!s) throw new Error('no socket yet');
    return s;
  }
}

export class TestSocket implements WebSocketLike {
  readonly ws: WebSocket;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(url: string, sockets: TestSockets) {
    this.ws = new WebSocket(url);
    this.ws.onopen = (e) => this.onopen?.(e);
    this.ws.onerror = (e) => this.onerror?.(e);
    this.ws.onclose = (e) => this.onclose?.({ code: e.code, reason: e.reason });
    this.ws.onmessage = (e) => {
      const text = String(e.data);
      if (sockets.dropIncoming) {
        const frame = JSON.parse(text) as Record<string, unknown>;
        if (sockets.dropIncoming(frame)) {
          sockets.dropped.push(frame);
          return;
        }
      }
      this.onmessage?.({ data: text });
    };
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  send(data: string): void {
    this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }

  /** Kills the connection: no close frame, the TCP socket is destroyed. */
  terminate(): void {
    this.ws.terminate();
  }
}

export interface TestUser {
  userId: string;
  username: string;
  password: string;
}

const anonymous = new Api(new HttpClient(baseUrl, (input, init) => fetch(input, init)));

export async function registerUser(prefix: string): Promise<TestUser> {
  const username = `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 32);
  const password = 'correct horse battery';
  const created = await anonymous.register(username, password, `${prefix} ${username.slice(-4)}`);
  return { userId: created.id, username, password };
}

export interface Connected {
  client: ParleyClient;
  sockets: TestSockets;
  shown: Message[];
  raw: Message[];
}

/** A client of `user`, logged in and connected, recording what it shows and every raw push. */
export async function connect(user: TestUser, options: Partial<ParleyClientOptions> = {}, login = true): Promise<Connected> {
  const sockets = new TestSockets();
  const client = await ParleyClient.create({ baseUrl, WebSocket: sockets.factory, presence: false, ...options });
  const shown: Message[] = [];
  const raw: Message[] = [];
  client.on('messages', (e) => shown.push(...e.messages));
  client.frames.on('message', (m) => raw.push(m));
  if (login || !client.loggedIn) await client.login(user.username, user.password);
  client.connect();
  await client.whenConnected();
  return { client, sockets, shown, raw };
}

/** Makes `a` and `b` friends; answers their direct conversation's id once message-service has it. */
export async function befriend(a: ParleyClient, b: ParleyClient, bId: string): Promise<string> {
  const request = await a.api.sendFriendRequest(bId, 'system test');
  await b.api.acceptFriendRequest(request.id);
  let conversationId = '';
  await until('the direct conversation exists', async () => {
    const friends = await a.api.friends();
    conversationId = friends.find((f) => f.userId === bId)?.conversationId ?? '';
    if (!conversationId) return false;
    const { conversations } = await a.api.conversations();
    return conversations.some((c) => c.id === conversationId);
  });
  return conversationId;
}

/** Every message of a conversation, through the REST history of `client`. */
export async function history(client: ParleyClient, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { messages } = await client.api.history(conversationId, { afterSeq: all.at(-1)?.seq ?? 0, limit: 200 });
    all.push(...messages);
    if (messages.length < 200) return all;
  }
}

export function texts(messages: Message[]): string[] {
  return messages.map((m) => String(m.body?.['text']));
}
