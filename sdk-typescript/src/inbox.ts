import { backoffDelay } from './backoff.js';
import type { Clock, Random } from './clock.js';
import type { ConversationEntry, Message } from './protocol.js';
import type { ConversationPosition, Store, StoreWrite } from './store.js';

export interface InboxOptions {
  /** `recv` frames are sent at most this often per conversation, ms (default 100; keep well below the server's 10 s redelivery). */
  recvBatchMs?: number;
  /** A gap is fetched after this long, in case the missing message is just late (an own ack), ms (default 100). */
  gapDelayMs?: number;
  /** Messages per catch-up page (default 200, the server's maximum). */
  pageSize?: number;
  /** How many recent messages a conversation new to this device loads (default 50). */
  initialHistory?: number;
}

/** How the inbox reaches the server. */
export interface InboxTransport {
  history(conversationId: string, afterSeq: number, limit: number): Promise<Message[]>;
  olderHistory(conversationId: string, beforeSeq: number, limit: number): Promise<Message[]>;
  /** Writes a `recv` frame; false while no socket is open. */
  sendRecv(conversationId: string, seq: number): boolean;
}

export type MessageSource = 'push' | 'fetch' | 'own';

export interface InboxHooks {
  /** New messages of a conversation, ascending by seq, each (conversationId, seq) once. */
  shown(conversationId: string, messages: Message[]): void;
  /** A message the inbox already had came again (a redelivered push, an overlapping fetch). */
  duplicate(message: Message, source: MessageSource): void;
  /** Seqs from..to are missing below a message just received; a catch-up is on its way. */
  gap(conversationId: string, fromSeq: number, toSeq: number): void;
  /** A message was recalled: its stored copy now has no body. */
  recalled(message: Message): void;
  /** The unread count of a conversation (or the total) may have changed. */
  unreadChanged(conversationId: string, unread: number, total: number): void;
  /** A conversation this device did not know appeared (a push): the client syncs the list. */
  unknownConversation(conversationId: string): void;
  persist(write: StoreWrite): Promise<void>;
}

interface Conversation {
  pos: ConversationPosition;
  /** Received messages above `syncedSeq`, waiting for the gap below them to be filled. */
  held: Map<number, Message>;
  fetching: boolean;
  fetchAgain: boolean;
  gapTimer: unknown;
  retryTimer: unknown;
  failures: number;
  recvSent: number;
}

/**
 * The receiving side of the delivery guarantees, per conversation: drop what is already held,
 * keep the rest in seq order, notice gaps and fill them with `afterSeq`, and tell the server
 * what this device holds (`recv`, batched).
 *
 * Promise: `shown` is called once per (conversationId, seq) for every message above the
 * conversation's loaded base, in seq order within a conversation, never past a missing message:
 * a message above a gap waits (stored) until the catch-up fetched what lies below it. Seqs the
 * user may not read (before joining a group, while removed) are recognised from the server's
 * pages and skipped. Cannot show what the server no longer returns.
 */
export class Inbox {
  private readonly conversations = new Map<string, Conversation>();
  private readonly dirty = new Set<string>();
  /**
   * Recalls of messages this device has not got yet (`conversationId:seq` -> recalledAt): a
   * recall can overtake its message (a late or repeated push of the original, still with its
   * body); the message is marked when it comes.
   */
  private readonly earlyRecalls = new Map<string, string>();
  private recvTimer: unknown = null;
  private readonly options: Required<InboxOptions>;
  private stopped = false;

  constructor(
    private readonly transport: InboxTransport,
    private readonly hooks: InboxHooks,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    options: InboxOptions = {},
  ) {
    this.options = {
      recvBatchMs: options.recvBatchMs ?? 100,
      gapDelayMs: options.gapDelayMs ?? 100,
      pageSize: options.pageSize ?? 200,
      initialHistory: options.initialHistory ?? 50,
    };
  }

  /** Restores positions, and the messages held above a gap when the client stopped. */
  async restore(positions: ConversationPosition[]): Promise<void> {
    for (const pos of positions) {
      const conversation = this.create(pos);
      const above = await this.store.messages(pos.conversationId, { afterSeq: pos.syncedSeq, limit: 10_000 });
      for (const m of above) conversation.held.set(m.seq, m);
    }
  }

  positions(): ConversationPosition[] {
    return [...this.conversations.values()].map((c) => ({ ...c.pos }));
  }

  position(conversationId: string): ConversationPosition | undefined {
    const c = this.conversations.get(conversationId);
    return c ? { ...c.pos } : undefined;
  }

  unread(conversationId: string): number {
    const c = this.conversations.get(conversationId);
    return c ? Math.max(0, c.pos.lastSeq - c.pos.readSeq) : 0;
  }

  /** The sum over conversations that are neither muted nor left. */
  totalUnread(): number {
    let total = 0;
    for (const c of this.conversations.values()) {
      if (c.pos.info?.muted || c.pos.info?.removed) continue;
      total += Math.max(0, c.pos.lastSeq - c.pos.readSeq);
    }
    return total;
  }

  /** A message from a push, a fetch or an own ack. */
  receive(message: Message, source: MessageSource): void {
    if (this.stopped) return;
    let c = this.conversations.get(message.conversationId);
    if (!c) {
      c = this.create(this.newPosition(message.conversationId, Math.max(0, message.seq - 1)));
      this.hooks.unknownConversation(message.conversationId);
    }
    this.accept(c, message, source);
    this.advance(c, 0);
    this.checkGap(c);
  }

  /** Merges entries of `GET /api/conversations` and catches up where the server has more. */
  applyList(entries: ConversationEntry[]): void {
    for (const entry of entries) {
      const { lastMessage: _last, ...info } = entry;
      let c = this.conversations.get(entry.id);
      if (!c) c = this.create(this.newPosition(entry.id, entry.lastSeq));
      const before = this.unread(entry.id);
      c.pos.info = info;
      c.pos.lastSeq = Math.max(c.pos.lastSeq, entry.lastSeq);
      c.pos.readSeq = Math.max(c.pos.readSeq, entry.readSeq);
      void this.hooks.persist({ positions: [{ ...c.pos }] });
      if (this.unread(entry.id) !== before) this.reportUnread(entry.id);
      if (c.pos.lastSeq > c.pos.syncedSeq && !entry.removed) void this.fetch(c);
    }
  }

  /** Catches up every known conversation that may be behind (after a reconnect). */
  catchUpAll(): void {
    for (const c of this.conversations.values()) {
      if (c.pos.lastSeq > c.pos.syncedSeq || c.held.size > 0) void this.fetch(c);
    }
  }

  /** The user's read position moved (own `read`, own send, or a receipt from another device). */
  readUpTo(conversationId: string, seq: number): void {
    const c = this.conversations.get(conversationId);
    if (!c || seq <= c.pos.readSeq) return;
    c.pos.readSeq = seq;
    c.pos.lastSeq = Math.max(c.pos.lastSeq, seq);
    void this.hooks.persist({ positions: [{ ...c.pos }] });
    this.reportUnread(conversationId);
  }

  /** A `conversation` frame or mute change: keep what is known about it. */
  updateInfo(conversationId: string, change: Partial<Omit<ConversationEntry, 'lastMessage' | 'id'>>): void {
    const c = this.conversations.get(conversationId);
    if (!c?.pos.info) return;
    c.pos.info = { ...c.pos.info, ...change };
    void this.hooks.persist({ positions: [{ ...c.pos }] });
    this.reportUnread(conversationId);
  }

  /** Loads up to `limit` messages older than the loaded ones from the server; returns them. */
  async loadOlder(conversationId: string, limit = 50): Promise<Message[]> {
    const c = this.conversations.get(conversationId);
    if (!c || c.pos.baseSeq === 0) return [];
    const page = await this.transport.olderHistory(conversationId, c.pos.baseSeq + 1, limit);
    const first = page[0];
    c.pos.baseSeq = page.length < limit || !first ? 0 : first.seq - 1;
    await this.hooks.persist({ messages: page, positions: [{ ...c.pos }] });
    return page;
  }

  /** Sends `recv` for every conversation again on the next batch (a new socket). */
  resendRecvs(): void {
    for (const [id, c] of this.conversations) {
      if (c.pos.syncedSeq > 0) {
        c.recvSent = -1;
        this.dirty.add(id);
      }
    }
    this.scheduleRecv();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.recvTimer);
    for (const c of this.conversations.values()) {
      this.clock.clearTimeout(c.gapTimer);
      this.clock.clearTimeout(c.retryTimer);
    }
  }

  private create(pos: ConversationPosition): Conversation {
    const c: Conversation = { pos, held: new Map(), fetching: false, fetchAgain: false, gapTimer: null, retryTimer: null, failures: 0, recvSent: -1 };
    this.conversations.set(pos.conversationId, c);
    return c;
  }

  private newPosition(conversationId: string, lastSeq: number): ConversationPosition {
    const base = Math.max(0, lastSeq - this.options.initialHistory);
    return { conversationId, baseSeq: base, syncedSeq: base, lastSeq, readSeq: 0 };
  }

  private accept(c: Conversation, message: Message, source: MessageSource): void {
    const pos = c.pos;
    if (message.seq <= pos.syncedSeq || c.held.has(message.seq)) {
      if (message.recalledAt) void this.markRecalled(message.conversationId, message.seq, message.recalledAt);
      this.hooks.duplicate(message, source);
      if (source === 'push') {
        // The server pushes again only what no recv of this socket covered: tell it again.
        c.recvSent = -1;
        this.dirty.add(message.conversationId);
        this.scheduleRecv();
      }
      return;
    }
    const early = this.earlyRecalls.get(`${message.conversationId}:${message.seq}`);
    if (early !== undefined && !message.recalledAt) {
      this.earlyRecalls.delete(`${message.conversationId}:${message.seq}`);
      message = { ...message, body: null, recalledAt: early };
    }
    c.held.set(message.seq, message);
    const before = this.unread(message.conversationId);
    pos.lastSeq = Math.max(pos.lastSeq, message.seq);
    void this.hooks.persist({ messages: [message] });
    if (message.kind === 'recall' && message.body && typeof message.body['seq'] === 'number') {
      void this.markRecalled(message.conversationId, message.body['seq'] as number, message.createdAt);
    }
    if (this.unread(message.conversationId) !== before) this.reportUnread(message.conversationId);
  }

  /**
   * Moves `syncedSeq` over held messages (showing them) and over seqs up to `skipUpTo` that the
   * server showed to be unreadable for this user.
   */
  private advance(c: Conversation, skipUpTo: number): void {
    const pos = c.pos;
    const shown: Message[] = [];
    const start = pos.syncedSeq;
    for (;;) {
      const next = pos.syncedSeq + 1;
      const message = c.held.get(next);
      if (message) {
        c.held.delete(next);
        shown.push(message);
        pos.syncedSeq = next;
      } else if (next <= skipUpTo) {
        let lowestHeld = Infinity;
        for (const seq of c.held.keys()) lowestHeld = Math.min(lowestHeld, seq);
        pos.syncedSeq = Math.min(skipUpTo, lowestHeld - 1);
      } else {
        break;
      }
    }
    if (pos.syncedSeq === start) return;
    void this.hooks.persist({ positions: [{ ...pos }] });
    this.dirty.add(pos.conversationId);
    this.scheduleRecv();
    if (shown.length > 0) this.hooks.shown(pos.conversationId, shown);
  }

  private checkGap(c: Conversation): void {
    if (c.held.size === 0 || c.gapTimer !== null || c.fetching) {
      if (c.held.size > 0 && c.fetching) c.fetchAgain = true;
      return;
    }
    let lowest = Infinity;
    for (const seq of c.held.keys()) lowest = Math.min(lowest, seq);
    this.hooks.gap(c.pos.conversationId, c.pos.syncedSeq + 1, lowest - 1);
    c.gapTimer = this.clock.setTimeout(() => {
      c.gapTimer = null;
      if (c.held.size > 0) void this.fetch(c);
    }, this.options.gapDelayMs);
  }

  /** Pages `afterSeq=syncedSeq` until the conversation holds everything the server has. */
  private async fetch(c: Conversation): Promise<void> {
    if (c.fetching) {
      c.fetchAgain = true;
      return;
    }
    c.fetching = true;
    this.clock.clearTimeout(c.retryTimer);
    try {
      for (let round = 0; round < 10_000 && !this.stopped; round++) {
        c.fetchAgain = false;
        const from = c.pos.syncedSeq;
        // Everything up to here was committed before this request: a readable seq at or below
        // it that the answer lacks cannot be read by this user.
        let bound = c.pos.lastSeq;
        for (const seq of c.held.keys()) bound = Math.max(bound, seq);
        const page = await this.transport.history(c.pos.conversationId, from, this.options.pageSize);
        for (const m of page) this.accept(c, m, 'fetch');
        const last = page.length > 0 ? page[page.length - 1]!.seq : from;
        const full = page.length >= this.options.pageSize;
        this.advance(c, full ? last : Math.max(last, bound));
        if (!full && !c.fetchAgain && c.held.size === 0 && c.pos.syncedSeq >= c.pos.lastSeq) break;
        if (!full && !c.fetchAgain && c.pos.syncedSeq === from) break; // nothing more to learn now
      }
      c.failures = 0;
    } catch {
      c.retryTimer = this.clock.setTimeout(() => void this.fetch(c), backoffDelay(c.failures++, this.random, { baseMs: 1_000, maxMs: 30_000 }));
    } finally {
      c.fetching = false;
    }
    if (c.held.size > 0 && !this.stopped && c.retryTimer === null) this.checkGap(c);
  }

  private async markRecalled(conversationId: string, seq: number, recalledAt: string): Promise<void> {
    const c = this.conversations.get(conversationId);
    const held = c?.held.get(seq);
    const [stored] = held ? [held] : await this.store.messages(conversationId, { afterSeq: seq - 1, limit: 1 });
    if (!stored || stored.seq !== seq) {
      if (!c || seq > c.pos.syncedSeq) this.earlyRecalls.set(`${conversationId}:${seq}`, recalledAt);
      return;
    }
    if (stored.recalledAt) return;
    const recalled: Message = { ...stored, body: null, recalledAt };
    if (held) c!.held.set(seq, recalled);
    await this.hooks.persist({ messages: [recalled] });
    this.hooks.recalled(recalled);
  }

  private reportUnread(conversationId: string): void {
    this.hooks.unreadChanged(conversationId, this.unread(conversationId), this.totalUnread());
  }

  private scheduleRecv(): void {
    if (this.recvTimer !== null || this.stopped) return;
    this.recvTimer = this.clock.setTimeout(() => {
      this.recvTimer = null;
      this.flushRecv();
    }, this.options.recvBatchMs);
  }

  private flushRecv(): void {
    for (const id of [...this.dirty]) {
      const c = this.conversations.get(id);
      if (!c || c.pos.syncedSeq <= 0 || c.pos.syncedSeq === c.recvSent) {
        this.dirty.delete(id);
        continue;
      }
      if (!this.transport.sendRecv(id, c.pos.syncedSeq)) return; // no socket: the next one asks again
      c.recvSent = c.pos.syncedSeq;
      this.dirty.delete(id);
    }
  }
}
