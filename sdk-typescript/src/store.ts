import type { Body, ClientKind, ConversationEntry, Message } from './protocol.js';

/**
 * What the client knows of one conversation, kept in the store.
 *
 * - `syncedSeq`: every message this user may read with a seq in (`baseSeq`, `syncedSeq`] is in the
 *   store (seqs the user may not read, e.g. before joining a group, count as held).
 * - `baseSeq`: history at or below it was never loaded (it can be, with `loadOlder`).
 * - `lastSeq`, `readSeq`: the server's, as last learnt (list, pushes, receipts, own sends).
 */
export interface ConversationPosition {
  conversationId: string;
  baseSeq: number;
  syncedSeq: number;
  lastSeq: number;
  readSeq: number;
  /** The list entry, without `lastMessage` (kept with the messages). */
  info?: Omit<ConversationEntry, 'lastMessage'>;
  /** The server's unread count when it pushed one (`unread` frame), else derived. */
  serverUnread?: number;
}

/** A message the user wrote that has no ack yet (or was refused for good: `failed`). */
export interface OutboxEntry {
  clientMsgId: string;
  conversationId: string;
  kind: ClientKind;
  body: Body;
  /** Position in the order the user wrote (increasing across the whole store). */
  order: number;
  /** When it was written, epoch ms. */
  createdAt: number;
  /** Set when the server refused it for good; such entries are not sent again unless retried. */
  failed?: { code: string; message: string };
}

/** Everything a client restores at start, except the messages (read on demand). */
export interface StoredState {
  positions: ConversationPosition[];
  outbox: OutboxEntry[];
  meta: Record<string, unknown>;
}

/** One atomic change: all of it is stored, or none of it. */
export interface StoreWrite {
  messages?: Message[];
  positions?: ConversationPosition[];
  outboxPut?: OutboxEntry[];
  outboxDelete?: string[];
  meta?: Record<string, unknown>;
}

export interface MessageRange {
  afterSeq?: number;
  beforeSeq?: number;
  limit?: number;
}

/**
 * The client's local store: messages, positions, the unsent queue and a few settings (session
 * tokens, sync token, device id).
 *
 * Promises each implementation must keep: `write` is atomic and durable when its promise
 * resolves; writes are applied in the order they were called; a message is keyed by
 * `(conversationId, seq)` and writing it again replaces it.
 */
export interface Store {
  open(): Promise<StoredState>;
  write(change: StoreWrite): Promise<void>;
  /** Messages of a conversation ascending by seq: after / before a seq, or the newest `limit`. */
  messages(conversationId: string, range?: MessageRange): Promise<Message[]>;
  close(): Promise<void>;
}

/** Picks a range out of messages sorted ascending by seq. */
export function selectRange(sorted: Message[], range: MessageRange = {}): Message[] {
  const limit = range.limit ?? 50;
  if (range.afterSeq !== undefined) {
    return sorted.filter((m) => m.seq > range.afterSeq!).slice(0, limit);
  }
  const upTo = range.beforeSeq !== undefined ? sorted.filter((m) => m.seq < range.beforeSeq!) : sorted;
  return upTo.slice(Math.max(0, upTo.length - limit));
}

/**
 * A store in memory: the default in Node, and what tests use. Lost when the process ends; use the
 * file store (`@parley/sdk/node`) or IndexedDB to keep the unsent queue across restarts.
 */
export class MemoryStore implements Store {
  protected readonly messagesByConversation = new Map<string, Map<number, Message>>();
  protected readonly positions = new Map<string, ConversationPosition>();
  protected readonly outbox = new Map<string, OutboxEntry>();
  protected meta: Record<string, unknown> = {};

  async open(): Promise<StoredState> {
    return this.snapshot();
  }

  async write(change: StoreWrite): Promise<void> {
    this.apply(change);
  }

  async messages(conversationId: string, range?: MessageRange): Promise<Message[]> {
    const byseq = this.messagesByConversation.get(conversationId);
    if (!byseq) return [];
    return selectRange([...byseq.values()].sort((a, b) => a.seq - b.seq), range);
  }

  async close(): Promise<void> {}

  protected snapshot(): StoredState {
    return {
      positions: [...this.positions.values()].map((p) => structuredClone(p)),
      outbox: [...this.outbox.values()].sort((a, b) => a.order - b.order).map((e) => structuredClone(e)),
      meta: structuredClone(this.meta),
    };
  }

  protected apply(change: StoreWrite): void {
    for (const message of change.messages ?? []) {
      let byseq = this.messagesByConversation.get(message.conversationId);
      if (!byseq) {
        byseq = new Map();
        this.messagesByConversation.set(message.conversationId, byseq);
      }
      byseq.set(message.seq, structuredClone(message));
    }
    for (const position of change.positions ?? []) this.positions.set(position.conversationId, structuredClone(position));
    for (const entry of change.outboxPut ?? []) this.outbox.set(entry.clientMsgId, structuredClone(entry));
    for (const id of change.outboxDelete ?? []) this.outbox.delete(id);
    if (change.meta) this.meta = { ...this.meta, ...structuredClone(change.meta) };
  }
}

/**
 * Serialises a client's writes to its store and merges those that queue up while one is under
 * way into one write, so that a burst of pushes costs a few store transactions, not one each.
 * Each caller's promise resolves when its change is durable. Order is kept: a change is never
 * written before one queued earlier.
 */
export class StoreWriter {
  private pending: StoreWrite | null = null;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly store: Store, private readonly onError: (e: unknown) => void) {}

  write(change: StoreWrite): Promise<void> {
    this.pending = merge(this.pending, change);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.running) void this.drain();
    return done;
  }

  /** Resolves once everything queued so far is durable. */
  flush(): Promise<void> {
    return this.pending || this.running ? this.write({}) : Promise.resolve();
  }

  private async drain(): Promise<void> {
    this.running = true;
    // Let the changes of the current turn of the event loop join this write.
    await Promise.resolve();
    while (this.pending) {
      const change = this.pending;
      const waiters = this.waiters;
      this.pending = null;
      this.waiters = [];
      try {
        await this.store.write(change);
        for (const w of waiters) w.resolve();
      } catch (e) {
        this.onError(e);
        for (const w of waiters) w.reject(e);
      }
    }
    this.running = false;
  }
}

/** `b` after `a`, as one change (later values win; a put then a delete of one entry deletes it). */
function merge(a: StoreWrite | null, b: StoreWrite): StoreWrite {
  if (!a) return { ...b };
  const outboxPut = new Map<string, OutboxEntry>();
  for (const e of a.outboxPut ?? []) outboxPut.set(e.clientMsgId, e);
  const outboxDelete = new Set(a.outboxDelete ?? []);
  for (const e of b.outboxPut ?? []) {
    outboxPut.set(e.clientMsgId, e);
    outboxDelete.delete(e.clientMsgId);
  }
  for (const id of b.outboxDelete ?? []) {
    outboxPut.delete(id);
    outboxDelete.add(id);
  }
  const positions = new Map<string, ConversationPosition>();
  for (const p of [...(a.positions ?? []), ...(b.positions ?? [])]) positions.set(p.conversationId, p);
  return {
    messages: [...(a.messages ?? []), ...(b.messages ?? [])],
    positions: [...positions.values()],
    outboxPut: [...outboxPut.values()],
    outboxDelete: [...outboxDelete],
    meta: { ...(a.meta ?? {}), ...(b.meta ?? {}) },
  };
}
