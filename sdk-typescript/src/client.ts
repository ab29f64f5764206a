import { Api } from './api.js';
import { systemClock, type Clock, type Random } from './clock.js';
import { Emitter } from './events.js';
import { HttpClient, ParleyError, type FetchLike } from './http.js';
import { Inbox, type InboxOptions, type MessageSource } from './inbox.js';
import { Outbox, type OutboxOptions } from './outbox.js';
import { PresenceState } from './presence.js';
import {
  SERVER_FRAME_TYPES,
  type Body,
  type ClientKind,
  type ConversationEntry,
  type Message,
  type PresenceEntry,
  type ReceiptFrame,
  type ServerFrame,
  type ServerFrameOf,
  type WelcomeFrame,
} from './protocol.js';
import { Session, type SessionEndReason, type SessionTokens } from './session.js';
import { Connection, type ConnectionOptions, type ConnectionState, type WebSocketFactory } from './socket.js';
import { MemoryStore, StoreWriter, type ConversationPosition, type MessageRange, type OutboxEntry, type Store } from './store.js';

export interface ParleyClientOptions {
  /** The gateway, e.g. `http://localhost:8080` (`/api/**` and `/ws` are below it). */
  baseUrl: string;
  /** Where messages, positions, the unsent queue and the session live (default: in memory). */
  store?: Store;
  /**
   * The WebSocket constructor (default `globalThis.WebSocket`; Node 20 has none: pass the `ws`
   * package's default export).
   */
  WebSocket?: WebSocketFactory;
  fetch?: FetchLike;
  /** This installation's id (1-64 of `[A-Za-z0-9_-]`); default: the stored one, else a new one. */
  deviceId?: string;
  /** Keep the session tokens in the store, so a restart needs no login (default true). */
  persistSession?: boolean;
  /** Query friends' presence after each connect (default true). */
  presence?: boolean;
  connection?: ConnectionOptions;
  outbox?: OutboxOptions;
  inbox?: InboxOptions;
  clock?: Clock;
  random?: Random;
  /** New client message ids (default `crypto.randomUUID()`). */
  newId?: () => string;
}

/** A message on its way: durable in the store once `send` resolved; `acked` when the server stored it. */
export interface PendingSend {
  entry: OutboxEntry;
  acked: Promise<Message>;
}

/** What the client tells the app, beyond the raw frames (`client.frames`). */
export interface ClientEvents {
  connection: { state: ConnectionState; attempt: number; delayMs?: number };
  connected: WelcomeFrame;
  /** The conversation list was merged after a (re)connect; catch-up fetches may still run. */
  synced: { conversations: number };
  /** New messages to show, per conversation in seq order, each (conversationId, seq) once. */
  messages: { conversationId: string; messages: Message[] };
  queued: OutboxEntry;
  sent: { entry: OutboxEntry; message: Message };
  sendFailed: { entry: OutboxEntry; code: string; message: string };
  duplicate: { message: Message; source: MessageSource };
  gap: { conversationId: string; fromSeq: number; toSeq: number };
  recalled: Message;
  reordered: { conversationId: string; ackedClientMsgId: string; pendingClientMsgId: string };
  unread: { conversationId: string; unread: number; total: number };
  presence: PresenceEntry;
  /** Another member's delivered or read position. */
  receipt: ReceiptFrame;
  sessionEnded: { reason: SessionEndReason };
  /** Something failed in the background (store, sync); the client goes on. */
  error: unknown;
}

type FrameEvents = { [K in ServerFrame['type']]: ServerFrameOf<K> };

interface Deferred {
  resolve: (m: Message) => void;
  reject: (e: unknown) => void;
}

const META = { session: 'session', deviceId: 'deviceId', userId: 'userId', syncToken: 'syncToken', order: 'outboxOrder' } as const;

/**
 * A Parley client: one device of one user.
 *
 * It keeps PROTOCOL's delivery guarantees end to end: every message written is stored locally
 * before `send` resolves and is sent, and resent with the same id, until acked (over the socket,
 * or REST while the socket is down), also after a restart; every message received is shown once,
 * in seq order, with gaps filled by `afterSeq` and every reconnect caught up from the
 * conversation list. Unread counts and friends' presence are kept up to date.
 *
 * Use one store per user and device; two clients (tabs, processes) must not share one store and
 * device id at the same time.
 */
export class ParleyClient {
  readonly api: Api;
  /** Every server frame, typed by its `type`, as it arrives (before any dedup). */
  readonly frames = new Emitter<FrameEvents>();
  private readonly events = new Emitter<ClientEvents>();
  private readonly http: HttpClient;
  private readonly session: Session;
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly inbox: Inbox;
  private readonly presenceState = new PresenceState();
  private readonly writer: StoreWriter;
  private readonly deferred = new Map<string, Deferred>();
  private readonly failedEntries = new Map<string, OutboxEntry>();
  private order: number;
  private syncToken: string | undefined;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private closed = false;

  private constructor(
    private readonly options: ParleyClientOptions,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    readonly deviceId: string,
    private userId: string | undefined,
    restoredSession: SessionTokens | null,
    meta: Record<string, unknown>,
  ) {
    const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.http = new HttpClient(options.baseUrl.replace(/\/$/, ''), fetchFn);
    this.api = new Api(this.http);
    this.writer = new StoreWriter(store, (e) => this.events.emit('error', e));
    this.order = typeof meta[META.order] === 'number' ? (meta[META.order] as number) : 0;
    this.syncToken = typeof meta[META.syncToken] === 'string' ? (meta[META.syncToken] as string) : undefined;
    this.session = new Session(
      this.api,
      clock,
      {
        saved: (tokens) => (options.persistSession === false ? undefined : this.writer.write({ meta: { [META.session]: tokens } })),
        ended: (reason) => this.sessionEnded(reason),
      },
      restoredSession,
    );
    this.http.useTokens(this.session);
    const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
    if (!WebSocketImpl) throw new Error('No WebSocket: pass options.WebSocket (in Node 20, the `ws` package).');
    const wsUrl = this.http.baseUrl.replace(/^http/, 'ws') + '/ws';
    this.connection = new Connection(wsUrl, WebSocketImpl, clock, random, {
      ticket: async () => (await this.api.wsTicket()).ticket,
      opened: (welcome) => this.opened(welcome),
      frame: (frame) => this.handleFrame(frame),
      closed: (generation) => this.outbox.onSocketClosed(generation),
      sessionEnded: () => this.session.revoked(),
      stateChanged: (state, detail) => {
        this.events.emit('connection', { state, ...detail });
        this.outbox?.pump();
      },
    }, options.connection);
    this.outbox = new Outbox(
      {
        socketGeneration: () => (this.connection.isOpen ? this.connection.current.generation : null),
        sendFrame: (frame) => this.connection.send(frame),
        canUseRest: () => this.session.active && !this.closed,
        sendRest: (entry) => this.api.sendMessage(entry.conversationId, entry.clientMsgId, entry.kind, entry.body),
        stalled: () => this.connection.reconnectNow(),
      },
      {
        acked: (entry, message) => this.acked(entry, message),
        failed: (entry, code, message) => this.refusedForGood(entry, code, message),
        reordered: (conversationId, ackedClientMsgId, pendingClientMsgId) =>
          this.events.emit('reordered', { conversationId, ackedClientMsgId, pendingClientMsgId }),
      },
      clock,
      random,
      options.outbox,
    );
    this.inbox = new Inbox(
      {
        history: async (id, afterSeq, limit) => (await this.api.history(id, { afterSeq, limit })).messages,
        olderHistory: async (id, beforeSeq, limit) => (await this.api.history(id, { beforeSeq, limit })).messages,
        sendRecv: (conversationId, seq) => this.connection.send({ type: 'recv', conversationId, seq }),
      },
      {
        shown: (conversationId, messages) => this.events.emit('messages', { conversationId, messages }),
        duplicate: (message, source) => this.events.emit('duplicate', { message, source }),
        gap: (conversationId, fromSeq, toSeq) => this.events.emit('gap', { conversationId, fromSeq, toSeq }),
        recalled: (message) => this.events.emit('recalled', message),
        unreadChanged: (conversationId, unread, total) => this.events.emit('unread', { conversationId, unread, total }),
        unknownConversation: () => this.sync(),
        persist: (write) => this.writer.write(write),
      },
      store,
      clock,
      random,
      options.inbox,
    );
  }

  /** Opens the store and restores the session, positions and unsent queue. */
  static async create(options: ParleyClientOptions): Promise<ParleyClient> {
    const store = options.store ?? new MemoryStore();
    const state = await store.open();
    const meta = state.meta;
    const storedDevice = typeof meta[META.deviceId] === 'string' ? (meta[META.deviceId] as string) : undefined;
    const deviceId = options.deviceId ?? storedDevice ?? newDeviceId(options.random ?? Math.random);
    const session = options.persistSession === false ? null : ((meta[META.session] as SessionTokens | null | undefined) ?? null);
    const restoredSession = session && session.deviceId === deviceId ? session : null;
    const userId = typeof meta[META.userId] === 'string' ? (meta[META.userId] as string) : undefined;
    const client = new ParleyClient(options, store, options.clock ?? systemClock, options.random ?? Math.random, deviceId, userId, restoredSession, meta);
    if (storedDevice !== deviceId) await client.writer.write({ meta: { [META.deviceId]: deviceId } });
    await client.inbox.restore(state.positions);
    for (const entry of state.outbox) {
      if (entry.failed) client.failedEntries.set(entry.clientMsgId, entry);
      else client.outbox.add(entry);
    }
    return client;
  }

  on<K extends keyof ClientEvents>(name: K, handler: (value: ClientEvents[K]) => void): () => void {
    return this.events.on(name, handler);
  }

  once<K extends keyof ClientEvents>(name: K, handler: (value: ClientEvents[K]) => void): () => void {
    return this.events.once(name, handler);
  }

  get me(): { userId: string | undefined; deviceId: string } {
    return { userId: this.userId ?? this.session.current?.userId, deviceId: this.deviceId };
  }

  get loggedIn(): boolean {
    return this.session.active;
  }

  /**
   * A valid access token (refreshed first when needed), for the requests an app makes itself:
   * uploads with progress (`XMLHttpRequest`), media downloads into `blob:` URLs.
   */
  accessToken(): Promise<string> {
    return this.session.accessToken();
  }

  get connectionState(): ConnectionState {
    return this.connection.current.state;
  }

  /** The open socket, for tests that need to break it. */
  get rawSocket() {
    return this.connection.rawSocket;
  }

  /**
   * Logs this device in. The store must belong to the same user (or be new): a store of
   * another user is refused, since its unsent messages would go out under this user's name.
   */
  async login(username: string, password: string): Promise<SessionTokens> {
    const tokens = await this.session.login(username, password, this.deviceId);
    if (this.userId && this.userId !== tokens.userId) {
      await this.session.logout().catch(() => undefined);
      throw new Error(`This store belongs to user ${this.userId}, not ${tokens.userId}: use a store per user.`);
    }
    this.userId = tokens.userId;
    await this.writer.write({ meta: { [META.userId]: tokens.userId } });
    this.outbox.pump();
    return tokens;
  }

  /** Opens the socket and keeps it open (needs a session: `login`, or one restored from the store). */
  connect(): void {
    if (!this.session.active) throw new ParleyError(401, 'unauthorized', 'Log in first.');
    this.connection.start();
  }

  /** Resolves on the next `welcome` (at once when already connected). */
  whenConnected(): Promise<WelcomeFrame> {
    const welcome = this.connection.current.welcome;
    if (this.connection.isOpen && welcome) return Promise.resolve(welcome);
    return new Promise((resolve) => this.events.once('connected', resolve));
  }

  /**
   * Writes a message: stored in the local outbox (durably, when this resolves), then sent and
   * resent with the same client id until acked. `acked` resolves with the stored message, or
   * rejects with the server's code when refused for good (the entry stays, marked failed).
   */
  async send(conversationId: string, kind: ClientKind, body: Body, clientMsgId?: string): Promise<PendingSend> {
    const entry: OutboxEntry = {
      clientMsgId: clientMsgId ?? (this.options.newId ?? newClientMsgId)(),
      conversationId,
      kind,
      body,
      order: ++this.order,
      createdAt: this.clock.now(),
    };
    const acked = new Promise<Message>((resolve, reject) => this.deferred.set(entry.clientMsgId, { resolve, reject }));
    acked.catch(() => undefined); // a caller that ignores `acked` must not see an unhandled rejection
    this.outbox.add(entry);
    await this.writer.write({ outboxPut: [entry], meta: { [META.order]: this.order } });
    this.events.emit('queued', entry);
    return { entry, acked };
  }

  /** Unacked messages, in the order written. */
  pending(): OutboxEntry[] {
    return this.outbox.pending;
  }

  /** Messages the server refused for good; `retry` or `discard` them. */
  failed(): OutboxEntry[] {
    return [...this.failedEntries.values()].sort((a, b) => a.order - b.order);
  }

  async retry(clientMsgId: string): Promise<void> {
    const entry = this.failedEntries.get(clientMsgId);
    if (!entry) return;
    this.failedEntries.delete(clientMsgId);
    const { failed: _f, ...again } = entry;
    await this.writer.write({ outboxPut: [again] });
    this.outbox.retry(again);
  }

  async discard(clientMsgId: string): Promise<void> {
    if (this.failedEntries.delete(clientMsgId) || this.outbox.discard(clientMsgId)) {
      await this.writer.write({ outboxDelete: [clientMsgId] });
    }
  }

  /** Messages of a conversation from the local store, ascending by seq. */
  messages(conversationId: string, range?: MessageRange): Promise<Message[]> {
    return this.store.messages(conversationId, range);
  }

  /** Fetches older history (scrolling back) into the store and returns it. */
  loadOlder(conversationId: string, limit = 50): Promise<Message[]> {
    return this.inbox.loadOlder(conversationId, limit);
  }

  /** Known conversations with their unread counts. */
  conversations(): (ConversationPosition & { unread: number })[] {
    return this.inbox.positions().map((p) => ({ ...p, unread: this.inbox.unread(p.conversationId) }));
  }

  unread(conversationId: string): number {
    return this.inbox.unread(conversationId);
  }

  unreadTotal(): number {
    return this.inbox.totalUnread();
  }

  presence(userId: string): PresenceEntry | undefined {
    return this.presenceState.get(userId);
  }

  /** Moves this user's read position (`read` frame, or REST while the socket is down). */
  markRead(conversationId: string, seq: number): void {
    this.inbox.readUpTo(conversationId, seq);
    if (!this.connection.send({ type: 'read', conversationId, seq })) {
      this.api.read(conversationId, seq).catch((e) => this.events.emit('error', e));
    }
  }

  /** False while no socket is open (typing is not worth queueing). */
  typing(conversationId: string): boolean {
    return this.connection.send({ type: 'typing', conversationId });
  }

  signal(toUserId: string, callId: string, payload: Body, id?: string): boolean {
    return this.connection.send(id ? { type: 'signal', id, toUserId, callId, payload } : { type: 'signal', toUserId, callId, payload });
  }

  /** Catches up now: the conversation list since the last sync, then every conversation behind. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        await this.syncOnce();
      } while (this.syncAgain && !this.closed);
    })()
      .catch((e) => this.events.emit('error', e))
      .finally(() => {
        this.syncing = null;
      });
    return this.syncing;
  }

  /** Drops the socket as a network failure would, and reconnects (also: after the app resumes). */
  reconnectNow(): void {
    this.connection.reconnectNow();
  }

  /** Stops the socket and timers; waits until everything is written to the store. */
  async close(): Promise<void> {
    this.closed = true;
    this.connection.stop();
    this.outbox.stop();
    this.inbox.stop();
    this.session.stop();
    await this.writer.flush();
    await this.store.close();
  }

  async logout(): Promise<void> {
    this.connection.stop();
    await this.session.logout();
  }

  private async syncOnce(): Promise<void> {
    if (!this.session.active) return;
    let page;
    try {
      page = await this.api.conversations(this.syncToken);
    } catch (e) {
      if (e instanceof ParleyError && e.code === 'validation_failed' && this.syncToken) {
        this.syncToken = undefined; // a token the server no longer takes: read the whole list
        page = await this.api.conversations();
      } else {
        throw e;
      }
    }
    const full = this.syncToken === undefined;
    this.inbox.applyList(page.conversations);
    if (full) {
      const listed = new Set(page.conversations.map((c) => c.id));
      for (const p of this.inbox.positions()) {
        if (!listed.has(p.conversationId) && p.info && !p.info.removed) this.inbox.updateInfo(p.conversationId, { removed: true });
      }
    }
    this.syncToken = page.syncToken;
    await this.writer.write({ meta: { [META.syncToken]: page.syncToken } });
    this.inbox.catchUpAll();
    this.events.emit('synced', { conversations: page.conversations.length });
  }

  private opened(welcome: WelcomeFrame): void {
    this.userId = welcome.userId;
    this.events.emit('connected', welcome);
    this.outbox.pump();
    this.inbox.resendRecvs();
    void this.sync();
    if (this.options.presence !== false) void this.refreshPresence();
  }

  private handleFrame(frame: ServerFrame): void {
    if (!(SERVER_FRAME_TYPES as readonly string[]).includes(frame.type)) return;
    this.frames.emit(frame.type, frame as never);
    switch (frame.type) {
      case 'ack':
        this.outbox.onAck(frame);
        break;
      case 'error':
        if (!this.outbox.onError(frame) && frame.code !== 'closing') this.events.emit('error', new ParleyError(0, frame.code, frame.message));
        break;
      case 'message': {
        const { type: _t, ...message } = frame;
        this.inbox.receive(message, 'push');
        break;
      }
      case 'receipt':
        if (frame.userId === this.me.userId) {
          if (frame.readSeq !== undefined) this.inbox.readUpTo(frame.conversationId, frame.readSeq);
        } else {
          this.events.emit('receipt', frame);
        }
        break;
      case 'unread':
        this.events.emit('unread', { conversationId: frame.conversationId, unread: frame.unread, total: frame.total });
        break;
      case 'presence': {
        const { type: _t, ...entry } = frame;
        if (this.presenceState.apply(entry)) this.events.emit('presence', entry);
        break;
      }
      case 'friend_accepted':
        if (this.options.presence !== false) void this.refreshPresence([frame.user.userId]);
        void this.sync();
        break;
      case 'friend_removed':
        this.presenceState.forget(frame.userId);
        break;
      case 'conversation': {
        const change: Partial<ConversationEntry> = {};
        if (frame.name !== undefined) change.name = frame.name;
        if (frame.memberCount !== undefined) change.memberCount = frame.memberCount;
        if (frame.removed) change.removed = true;
        this.inbox.updateInfo(frame.conversationId, change);
        void this.sync();
        break;
      }
      default:
        break;
    }
  }

  private async refreshPresence(userIds?: string[]): Promise<void> {
    try {
      const ids = userIds ?? (await this.api.friends()).map((f) => f.userId);
      for (let i = 0; i < ids.length; i += 200) {
        for (const entry of await this.api.presence(ids.slice(i, i + 200))) {
          if (this.presenceState.apply(entry)) this.events.emit('presence', entry);
        }
      }
    } catch (e) {
      this.events.emit('error', e);
    }
  }

  private acked(entry: OutboxEntry, stored: Message): void {
    const message: Message = {
      ...stored,
      senderId: stored.senderId || (this.me.userId ?? ''),
      senderDeviceId: stored.senderDeviceId || this.deviceId,
    };
    void this.writer.write({ outboxDelete: [entry.clientMsgId] });
    this.inbox.readUpTo(message.conversationId, message.seq);
    this.inbox.receive(message, 'own');
    this.deferred.get(entry.clientMsgId)?.resolve(message);
    this.deferred.delete(entry.clientMsgId);
    this.events.emit('sent', { entry, message });
  }

  private refusedForGood(entry: OutboxEntry, code: string, text: string): void {
    const failedEntry: OutboxEntry = { ...entry, failed: { code, message: text } };
    this.failedEntries.set(entry.clientMsgId, failedEntry);
    void this.writer.write({ outboxPut: [failedEntry] });
    this.deferred.get(entry.clientMsgId)?.reject(new ParleyError(0, code, text));
    this.deferred.delete(entry.clientMsgId);
    this.events.emit('sendFailed', { entry: failedEntry, code, message: text });
  }

  private sessionEnded(reason: SessionEndReason): void {
    this.connection.stop();
    this.events.emit('sessionEnded', { reason });
  }
}

function newClientMsgId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function newDeviceId(random: Random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = 'sdk-';
  for (let i = 0; i < 16; i++) id += alphabet[Math.floor(random() * alphabet.length)];
  return id;
}
