/**
 * Test doubles for the SDK's unit tests: a manual clock, and a fake gateway that speaks the
 * protocol over a fake WebSocket and a fake `fetch` (tickets, login and refresh, idempotent sends
 * with gapless seqs per conversation, pushes, history), with knobs to break it.
 */
import type { Clock } from '../../src/clock.js';
import type { Message, ServerFrame } from '../../src/protocol.js';
import type { WebSocketLike } from '../../src/socket.js';

/** Lets pending promise callbacks run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export class ManualClock implements Clock {
  private time = 1_000_000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, running each timer that falls due (and what it schedules) in order. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      let nextId = -1;
      let next = { at: Infinity, fn: () => {} };
      for (const [id, t] of this.timers) if (t.at < next.at || (t.at === next.at && id < nextId)) { next = t; nextId = id; }
      if (nextId < 0 || next.at > target) break;
      this.timers.delete(nextId);
      this.time = next.at;
      next.fn();
      await settle();
    }
    this.time = target;
    await settle();
  }
}

type Json = Record<string, unknown>;

export interface StoredFake extends Message {}

/** A fake gateway plus services, in memory. */
export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  readonly conversations = new Map<string, StoredFake[]>();
  readonly bySender = new Map<string, StoredFake>();
  readonly receivedFrames: Json[] = [];
  readonly restSends: string[] = [];
  readonly requests: string[] = [];
  heartbeatIntervalMs = 30_000;
  /** Answer sends at all (false: the socket takes them and stays silent). */
  answerSends = true;
  /** Refuse a send with this error code instead of storing it (once per call of the function). */
  refuseSend: ((clientMsgId: string) => { code: string; retryAfterMs?: number } | null) | null = null;
  /** REST is down (every call fails as a network error). */
  restDown = false;
  /** Drop these pushes instead of writing them (returns true to drop). */
  dropPush: ((m: Message) => boolean) | null = null;
  /** Keep send frames until {@link releaseSends} (to have them in flight). */
  holdSends = false;
  readonly heldSends: [FakeSocket, Json][] = [];
  answerPings = true;
  /** Ticket requests fail with 503 (the socket cannot open; REST still works). */
  refuseTickets = false;
  /** The most REST sends in flight at once per conversation, and now. */
  maxRestInFlight = 0;
  private restInFlight = new Map<string, number>();
  tickets = 0;
  refreshes = 0;
  accessTokenTtlS = 900;
  private nextToken = 1;
  private refreshTokens = new Map<string, boolean>();
  members = new Map<string, string[]>();

  constructor(readonly userId = 'u-me', readonly deviceId = 'dev-1') {}

  // ---- the WebSocket ----
  readonly WebSocket = ((server: FakeServer) =>
    class extends FakeSocket {
      constructor(url: string) {
        super(server, url);
      }
    })(this);

  get openSockets(): FakeSocket[] {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  get lastSocket(): FakeSocket {
    const s = this.sockets[this.sockets.length - 1];
    if (!s) throw new Error('no socket yet');
    return s;
  }

  /** Stores a message from someone else and pushes it to the open sockets. */
  store(conversationId: string, senderId = 'u-peer', body: Json = { text: 'hi' }, push = true): StoredFake {
    const list = this.conversations.get(conversationId) ?? [];
    this.conversations.set(conversationId, list);
    const message: StoredFake = {
      messageId: `m-${conversationId}-${list.length + 1}`,
      conversationId,
      seq: list.length + 1,
      senderId,
      senderDeviceId: senderId === this.userId ? 'other-device' : 'peer-device',
      clientMsgId: `c-${Math.random()}`,
      kind: 'text',
      body,
      createdAt: new Date(1_700_000_000_000 + list.length).toISOString(),
    };
    list.push(message);
    if (push) this.push(message);
    return message;
  }

  /** Pushes a stored message to every open socket. */
  push(message: Message): void {
    if (this.dropPush?.(message)) return;
    for (const socket of this.openSockets) socket.deliver({ type: 'message', ...message });
  }

  messagesOf(conversationId: string): StoredFake[] {
    return this.conversations.get(conversationId) ?? [];
  }

  private storeSend(frame: Json, viaRest: boolean): { message: StoredFake; created: boolean } | { code: string; retryAfterMs?: number } {
    const id = String(frame['id'] ?? frame['clientMsgId']);
    const existing = this.bySender.get(id);
    if (existing) return { message: existing, created: false };
    const refusal = this.refuseSend?.(id);
    if (refusal) return refusal;
    const conversationId = String(frame['conversationId']);
    const list = this.conversations.get(conversationId) ?? [];
    this.conversations.set(conversationId, list);
    const message: StoredFake = {
      messageId: `m-${conversationId}-${list.length + 1}`,
      conversationId,
      seq: list.length + 1,
      senderId: this.userId,
      senderDeviceId: this.deviceId,
      clientMsgId: id,
      kind: frame['kind'] as Message['kind'],
      body: frame['body'] as Json,
      createdAt: new Date(1_700_000_000_000 + list.length).toISOString(),
    };
    list.push(message);
    this.bySender.set(id, message);
    if (viaRest) this.restSends.push(id);
    return { message, created: true };
  }

  /** Handles up to `count` held send frames (in arrival order); each ack only if its socket is still open. */
  releaseSends(count = Infinity): void {
    const batch = this.heldSends.splice(0, count);
    for (const [socket, frame] of batch) this.answerSend(socket, frame);
  }

  handleFrame(socket: FakeSocket, frame: Json): void {
    this.receivedFrames.push(frame);
    if (frame['type'] === 'send' && this.holdSends) {
      this.heldSends.push([socket, frame]);
      return;
    }
    if (frame['type'] === 'ping' && !this.answerPings) return;
    if (frame['type'] === 'ping') {
      socket.deliver({ type: 'pong', id: frame['id'] as string, serverTime: new Date().toISOString() });
    } else if (frame['type'] === 'send' && this.answerSends) {
      this.answerSend(socket, frame);
    }
  }

  private answerSend(socket: FakeSocket, frame: Json): void {
    {
      const result = this.storeSend(frame, false);
      if ('message' in result) {
        const m = result.message;
        socket.deliver({ type: 'ack', id: m.clientMsgId, messageId: m.messageId, conversationId: m.conversationId, seq: m.seq, createdAt: m.createdAt });
      } else {
        const error: ServerFrame = { type: 'error', id: String(frame['id']), code: result.code, message: 'refused' };
        if (result.retryAfterMs !== undefined) error.retryAfterMs = result.retryAfterMs;
        socket.deliver(error);
      }
    }
  }

  framesOfType(type: string): Json[] {
    return this.receivedFrames.filter((f) => f['type'] === type);
  }

  // ---- REST ----
  readonly fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const u = new URL(url);
    const method = init?.method ?? 'GET';
    this.requests.push(`${method} ${u.pathname}${u.search}`);
    if (this.restDown) throw new TypeError('fetch failed');
    const body = init?.body ? (JSON.parse(String(init.body)) as Json) : {};
    const auth = (init?.headers as Record<string, string> | undefined)?.['Authorization'];
    const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
    const problem = (status: number, code: string) => json(status, { status, code, title: code });
    const path = u.pathname;
    if (path === '/api/auth/login') return json(200, this.issue());
    if (path === '/api/auth/refresh') {
      this.refreshes++;
      const token = String(body['refreshToken']);
      if (!this.refreshTokens.get(token)) return problem(401, 'invalid_refresh_token');
      this.refreshTokens.set(token, false);
      return json(200, this.issue());
    }
    if (!auth?.startsWith('Bearer ')) return problem(401, 'unauthorized');
    if (path === '/api/auth/ws-ticket' && this.refuseTickets) return problem(503, 'service_unavailable');
    if (path === '/api/auth/ws-ticket') {
      this.tickets++;
      return json(200, { ticket: `t${this.tickets}`, expiresIn: 30 });
    }
    if (path === '/api/conversations' && method === 'GET') {
      const conversations = [...this.conversations.keys()].map((id) => ({
        id, type: 'direct', name: null, memberCount: 2, lastSeq: this.messagesOf(id).length, readSeq: 0,
        unread: this.messagesOf(id).length, lastMessage: null, updatedAt: new Date(0).toISOString(), muted: false,
      }));
      return json(200, { conversations, syncToken: `sync-${this.requests.length}` });
    }
    const messages = /^\/api\/conversations\/([^/]+)\/messages$/.exec(path);
    if (messages && method === 'GET') {
      const list = this.messagesOf(decodeURIComponent(messages[1]!));
      const limit = Number(u.searchParams.get('limit') ?? 50);
      const after = u.searchParams.get('afterSeq');
      const before = u.searchParams.get('beforeSeq');
      const readable = list.filter((m) => this.readable(m));
      let page: StoredFake[];
      if (after !== null) page = readable.filter((m) => m.seq > Number(after)).slice(0, limit);
      else if (before !== null) page = readable.filter((m) => m.seq < Number(before)).slice(-limit);
      else page = readable.slice(-limit);
      return json(200, { messages: page });
    }
    if (messages && method === 'POST') {
      const conversationId = decodeURIComponent(messages[1]!);
      const now = (this.restInFlight.get(conversationId) ?? 0) + 1;
      this.restInFlight.set(conversationId, now);
      this.maxRestInFlight = Math.max(this.maxRestInFlight, now);
      await new Promise<void>((r) => setImmediate(r));
      this.restInFlight.set(conversationId, now - 1);
      const result = this.storeSend({ ...body, conversationId }, true);
      if ('message' in result) return json(result.created ? 201 : 200, result.message);
      return json(result.code === 'rate_limited' ? 429 : 503, { status: 429, code: result.code, retryAfterMs: result.retryAfterMs });
    }
    if (path === '/api/friends') return json(200, []);
    if (path.startsWith('/api/presence')) return json(200, []);
    if (/\/read$/.test(path)) return json(200, { readSeq: body['seq'] });
    return problem(404, 'not_found');
  };

  /** Seqs a test marks as not readable (before joining, say). */
  unreadable = new Set<string>();

  private readable(m: StoredFake): boolean {
    return !this.unreadable.has(`${m.conversationId}:${m.seq}`);
  }

  private issue(): Json {
    const refreshToken = `r${this.nextToken++}`;
    this.refreshTokens.set(refreshToken, true);
    return { accessToken: `a${this.nextToken}`, refreshToken, expiresIn: this.accessTokenTtlS, userId: this.userId, deviceId: this.deviceId };
  }
}

/** A fake WebSocket that talks to a {@link FakeServer}; `kill()` breaks it like a lost network. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Json[] = [];
  closedWith: number | null = null;

  constructor(readonly server: FakeServer, readonly url: string) {
    server.sockets.push(this);
    setImmediate(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onopen?.({});
      this.deliver({
        type: 'welcome', userId: server.userId, deviceId: server.deviceId, sessionId: 's1',
        heartbeatIntervalMs: server.heartbeatIntervalMs, serverTime: new Date().toISOString(),
      });
    });
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    const frame = JSON.parse(data) as Json;
    this.sent.push(frame);
    queueMicrotask(() => {
      if (this.readyState === 1) this.server.handleFrame(this, frame);
    });
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.closedWith = code;
    setImmediate(() => this.onclose?.({ code, reason }));
  }

  /** The server side closes the socket with `code`. */
  serverClose(code: number, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    setImmediate(() => this.onclose?.({ code, reason }));
  }

  /** The network drops: no more frames either way, then a 1006 close. */
  kill(): void {
    this.serverClose(1006, 'abnormal');
  }

  deliver(frame: ServerFrame | Json): void {
    if (this.readyState !== 1) return;
    const text = JSON.stringify(frame);
    queueMicrotask(() => {
      if (this.readyState === 1) this.onmessage?.({ data: text });
    });
  }

  sentOfType(type: string): Json[] {
    return this.sent.filter((f) => f['type'] === type);
  }
}
