import type { Message } from './protocol.js';
import { selectRange, type ConversationPosition, type MessageRange, type OutboxEntry, type Store, type StoreWrite, type StoredState } from './store.js';

const VERSION = 1;

/**
 * The browser's store: one IndexedDB database per user and device (name it so), with object
 * stores `messages` (key `[conversationId, seq]`), `positions`, `outbox` and `meta`. Each
 * `write` is one readwrite transaction over the stores it touches, so it is atomic, and it
 * resolves on the transaction's `complete` (durable as far as the browser promises:
 * `durability: "strict"` where supported). Survives reloads and crashes of the tab.
 */
export class IndexedDbStore implements Store {
  private db: IDBDatabase | null = null;

  constructor(
    private readonly name: string,
    private readonly factory: IDBFactory = globalThis.indexedDB,
  ) {}

  async open(): Promise<StoredState> {
    this.db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = this.factory.open(this.name, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains('messages')) db.createObjectStore('messages', { keyPath: ['conversationId', 'seq'] });
        if (!db.objectStoreNames.contains('positions')) db.createObjectStore('positions', { keyPath: 'conversationId' });
        if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'clientMsgId' });
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = this.db.transaction(['positions', 'outbox', 'meta'], 'readonly');
    const [positions, outbox, metaKeys, metaValues] = await Promise.all([
      all<ConversationPosition>(tx.objectStore('positions').getAll()),
      all<OutboxEntry>(tx.objectStore('outbox').getAll()),
      all<IDBValidKey>(tx.objectStore('meta').getAllKeys()),
      all<unknown>(tx.objectStore('meta').getAll()),
    ]);
    const meta: Record<string, unknown> = {};
    metaKeys.forEach((key, i) => {
      meta[String(key)] = metaValues[i];
    });
    return { positions, outbox: outbox.sort((a, b) => a.order - b.order), meta };
  }

  write(change: StoreWrite): Promise<void> {
    const db = this.requireOpen();
    const names = [
      change.messages?.length ? 'messages' : null,
      change.positions?.length ? 'positions' : null,
      change.outboxPut?.length || change.outboxDelete?.length ? 'outbox' : null,
      change.meta && Object.keys(change.meta).length ? 'meta' : null,
    ].filter((n): n is string => n !== null);
    if (names.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const tx = (db.transaction as (names: string[], mode: IDBTransactionMode, options?: { durability: string }) => IDBTransaction)
        .call(db, names, 'readwrite', { durability: 'strict' });
      for (const m of change.messages ?? []) tx.objectStore('messages').put(m);
      for (const p of change.positions ?? []) tx.objectStore('positions').put(p);
      for (const e of change.outboxPut ?? []) tx.objectStore('outbox').put(e);
      for (const id of change.outboxDelete ?? []) tx.objectStore('outbox').delete(id);
      for (const [key, value] of Object.entries(change.meta ?? {})) tx.objectStore('meta').put(value, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  async messages(conversationId: string, range: MessageRange = {}): Promise<Message[]> {
    const db = this.requireOpen();
    const tx = db.transaction('messages', 'readonly');
    const store = tx.objectStore('messages');
    const limit = range.limit ?? 50;
    if (range.afterSeq !== undefined) {
      const keys = IDBKeyRange.bound([conversationId, range.afterSeq], [conversationId, Infinity], true, false);
      return all<Message>(store.getAll(keys, limit));
    }
    // Newest first with a cursor, then ascending.
    const upper = range.beforeSeq !== undefined ? range.beforeSeq : Infinity;
    const keys = IDBKeyRange.bound([conversationId, -Infinity], [conversationId, upper], false, true);
    const found: Message[] = [];
    await new Promise<void>((resolve, reject) => {
      const request = store.openCursor(keys, 'prev');
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor || found.length >= limit) return resolve();
        found.push(cursor.value as Message);
        cursor.continue();
      };
      request.onerror = () => reject(request.error);
    });
    return selectRange(found.reverse(), { limit });
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
  }

  private requireOpen(): IDBDatabase {
    if (!this.db) throw new Error('IndexedDbStore: open() first');
    return this.db;
  }
}

function all<T>(request: IDBRequest): Promise<T[]> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result as T[]);
    request.onerror = () => reject(request.error);
  });
}
