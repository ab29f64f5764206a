import { CallManager } from './call.js';
import { MediaCache, upload, type UploadAnswer } from './media.js';
import {
  IndexedDbStore,
  ParleyClient,
  ParleyError,
  type BlockedUser,
  type Body,
  type ClientKind,
  type ConnectionState,
  type ConversationPosition,
  type Friend,
  type FriendRequest,
  type Message,
  type OutboxEntry,
  type PresenceEntry,
} from './sdk.js';

/** One conversation as the list shows it. */
export interface ConversationView {
  id: string;
  type: 'direct' | 'group';
  title: string;
  peerId?: string;
  memberCount: number;
  unread: number;
  lastMessage: Message | undefined;
  updatedAt: string;
  online: boolean;
}

/** A row of the chat: a stored message, or one of ours still on its way (or refused). */
export interface ChatRow {
  key: string;
  seq: number | undefined;
  senderId: string;
  kind: string;
  body: Body | null | undefined;
  createdAt: string;
  recalled: boolean;
  messageId: string | undefined;
  state: 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';
  failure?: string;
}

/** A file being uploaded before its message is written. */
export interface UploadView {
  id: string;
  conversationId: string;
  name: string;
  kind: ClientKind;
  progress: number;
  previewUrl: string | undefined;
  error?: string;
}

const DEVICES_KEY = 'parley.devices';

/**
 * The app's state around one {@link ParleyClient}: what the views show, kept up to date from the
 * client's events and frames, and the actions the views call. Views re-render on {@link subscribe}.
 *
 * Messages come only from the client's `messages` event (each (conversation, seq) once, in order)
 * and its local store; our own unacked ones from its outbox. Lists that the server pushes only
 * best effort (friends, requests, presence) are read again after every connect.
 */
export class AppModel {
  client!: ParleyClient;
  media!: MediaCache;
  calls!: CallManager;
  me: { userId: string; username: string; displayName: string } | null = null;
  connection: ConnectionState = 'idle';
  online = navigator.onLine;
  friends: Friend[] = [];
  incoming: FriendRequest[] = [];
  outgoing: FriendRequest[] = [];
  blocks: BlockedUser[] = [];
  uploads: UploadView[] = [];
  notice: string | null = null;
  private readonly names = new Map<string, string>();
  private readonly asked = new Set<string>();
  private readonly messages = new Map<string, Message[]>();
  private readonly loaded = new Set<string>();
  private readonly typingUntil = new Map<string, Map<string, number>>();
  private readonly receipts = new Map<string, Map<string, { delivered: number; read: number }>>();
  private readonly listeners = new Set<() => void>();
  private openId: string | null = null;
  private scheduled = false;

  /** Opens this tab's device: a device id no other open tab holds, and its IndexedDB store. */
  async boot(): Promise<void> {
    const deviceId = await claimDevice();
    this.client = await ParleyClient.create({
      baseUrl: location.origin,
      deviceId,
      store: new IndexedDbStore(`parley-${deviceId}`),
    });
    this.media = new MediaCache(() => this.client.accessToken());
    this.calls = new CallManager(this.client, () => this.changed());
    this.wire();
    if (this.client.loggedIn) await this.start();
    window.addEventListener('offline', () => {
      this.online = false;
      this.client.reconnectNow(); // drop the socket now rather than after the heartbeat gives up
      this.changed();
    });
    window.addEventListener('online', () => {
      this.online = true;
      this.client.reconnectNow();
      this.changed();
    });
    document.addEventListener('visibilitychange', () => this.markOpenRead());
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Coalesces change notifications into one render per frame. */
  changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const l of this.listeners) l();
    });
  }

  // ---- session

  async register(username: string, displayName: string, password: string): Promise<void> {
    await this.client.api.register(username, password, displayName);
    await this.login(username, password);
  }

  async login(username: string, password: string): Promise<void> {
    await this.client.login(username, password);
    await this.start();
  }

  async logout(): Promise<void> {
    await this.client.logout().catch(() => undefined);
    await this.client.close();
    const deviceId = this.client.deviceId;
    indexedDB.deleteDatabase(`parley-${deviceId}`);
    localStorage.setItem(DEVICES_KEY, JSON.stringify(devices().filter((d) => d !== deviceId)));
    location.reload();
  }

  private async start(): Promise<void> {
    const profile = await this.client.api.me();
    this.me = { userId: profile.id, username: profile.username, displayName: profile.displayName };
    this.names.set(profile.id, profile.displayName);
    this.client.connect();
    void this.loadLastMessages();
    this.changed();
  }

  /** The list's last message of each conversation, from the store (after a reload nothing else has them). */
  private async loadLastMessages(): Promise<void> {
    for (const p of this.client.conversations()) {
      if (!this.messages.get(p.conversationId)?.length) this.merge(p.conversationId, await this.client.messages(p.conversationId, { limit: 3 }));
    }
    this.changed();
  }

  // ---- what the views read

  name(userId: string): string {
    if (this.me && userId === this.me.userId) return 'You';
    const known = this.names.get(userId);
    if (known) return known;
    if (!this.asked.has(userId)) {
      this.asked.add(userId);
      this.client.api.user(userId).then((p) => {
        this.names.set(userId, p.displayName);
        this.changed();
      }, () => undefined);
    }
    return '…';
  }

  presence(userId: string): PresenceEntry | undefined {
    return this.client.presence(userId);
  }

  conversations(): ConversationView[] {
    return this.client
      .conversations()
      .filter((p) => p.info && !p.info.removed)
      .map((p) => this.view(p))
      .sort((a, b) => (b.lastMessage?.createdAt ?? b.updatedAt).localeCompare(a.lastMessage?.createdAt ?? a.updatedAt));
  }

  conversation(id: string): ConversationView | undefined {
    const p = this.client.conversations().find((c) => c.conversationId === id);
    return p?.info ? this.view(p) : undefined;
  }

  private view(p: ConversationPosition & { unread: number }): ConversationView {
    const info = p.info!;
    const list = this.messages.get(p.conversationId);
    const lastMessage = list?.filter((m) => m.kind !== 'recall').at(-1);
    const peerId = info.peerId;
    return {
      id: p.conversationId,
      type: info.type,
      title: info.type === 'direct' && peerId ? this.name(peerId) : (info.name ?? 'Group'),
      ...(peerId ? { peerId } : {}),
      memberCount: info.memberCount,
      unread: p.unread,
      lastMessage,
      updatedAt: info.updatedAt,
      online: peerId ? (this.presence(peerId)?.online ?? false) : false,
    };
  }

  /** The chat's rows: stored messages (recall notices folded into their originals), then ours in flight. */
  rows(conversationId: string): ChatRow[] {
    const me = this.me?.userId;
    const others = this.receipts.get(conversationId);
    let delivered = 0;
    let read = 0;
    for (const r of others?.values() ?? []) {
      delivered = Math.max(delivered, r.delivered, r.read);
      read = Math.max(read, r.read);
    }
    const rows: ChatRow[] = [];
    for (const m of this.messages.get(conversationId) ?? []) {
      if (m.kind === 'recall') continue;
      const mine = m.senderId === me;
      rows.push({
        key: `s${m.seq}`,
        seq: m.seq,
        senderId: m.senderId,
        kind: m.kind,
        body: m.body,
        createdAt: m.createdAt,
        recalled: Boolean(m.recalledAt),
        messageId: m.messageId,
        state: !mine ? 'received' : read >= m.seq ? 'read' : delivered >= m.seq ? 'delivered' : 'sent',
      });
    }
    const own = (e: OutboxEntry, state: 'sending' | 'failed'): ChatRow => ({
      key: `c${e.clientMsgId}`,
      seq: undefined,
      senderId: me ?? '',
      kind: e.kind,
      body: e.body,
      createdAt: new Date(e.createdAt).toISOString(),
      recalled: false,
      messageId: undefined,
      state,
      ...(e.failed ? { failure: e.failed.code } : {}),
    });
    for (const e of this.client.pending()) if (e.conversationId === conversationId) rows.push(own(e, 'sending'));
    for (const e of this.client.failed()) if (e.conversationId === conversationId) rows.push(own(e, 'failed'));
    return rows;
  }

  typingIn(conversationId: string): string[] {
    const now = Date.now();
    return [...(this.typingUntil.get(conversationId)?.entries() ?? [])].filter(([, until]) => until > now).map(([u]) => u);
  }

  hasOlder(conversationId: string): boolean {
    const first = this.messages.get(conversationId)?.[0];
    return first === undefined ? false : first.seq > 1;
  }

  // ---- conversations

  async open(conversationId: string | null): Promise<void> {
    this.openId = conversationId;
    if (conversationId && !this.loaded.has(conversationId)) {
      this.loaded.add(conversationId);
      this.merge(conversationId, await this.client.messages(conversationId, { limit: 100 }));
    }
    this.markOpenRead();
    this.changed();
  }

  /** Scroll-back: older messages from the store, else from the server. */
  async loadOlder(conversationId: string): Promise<void> {
    const first = this.messages.get(conversationId)?.[0];
    if (!first) return;
    let older = await this.client.messages(conversationId, { beforeSeq: first.seq, limit: 50 });
    if (older.length === 0) older = await this.client.loadOlder(conversationId, 50);
    this.merge(conversationId, older);
    this.changed();
  }

  private markOpenRead(): void {
    const id = this.openId;
    if (!id || document.visibilityState !== 'visible') return;
    const position = this.client.conversations().find((c) => c.conversationId === id);
    const last = this.messages.get(id)?.at(-1)?.seq ?? 0;
    const seq = Math.max(last, position?.lastSeq ?? 0);
    if (position && (position.readSeq < seq || position.unread > 0)) this.client.markRead(id, seq);
  }

  /**
   * Adds messages by seq. A `recall` message empties the one its body names (docs/protocol.md,
   * "What a correct client does" 7), whichever of the two arrives first.
   */
  private merge(conversationId: string, incoming: Message[]): void {
    if (incoming.length === 0) return;
    const bySeq = new Map((this.messages.get(conversationId) ?? []).map((m) => [m.seq, m]));
    for (const m of incoming) {
      const recalled = bySeq.get(m.seq);
      bySeq.set(m.seq, recalled?.recalledAt && !m.recalledAt ? { ...m, body: null, recalledAt: recalled.recalledAt } : m);
    }
    for (const m of [...bySeq.values()]) {
      const target = m.kind === 'recall' ? Number(m.body?.['seq']) : NaN;
      const original = bySeq.get(target);
      if (original && !original.recalledAt) bySeq.set(target, { ...original, body: null, recalledAt: m.createdAt });
    }
    this.messages.set(conversationId, [...bySeq.values()].sort((a, b) => a.seq - b.seq));
  }

  // ---- sending

  async sendText(conversationId: string, text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    const single = isSingleEmoji(trimmed);
    await this.client.send(conversationId, single ? 'emoji' : 'text', single ? { emoji: trimmed } : { text });
    this.changed();
  }

  async sendLocation(conversationId: string, lat: number, lng: number, label: string): Promise<void> {
    await this.client.send(conversationId, 'location', label ? { lat, lng, label } : { lat, lng });
    this.changed();
  }

  /** Uploads a file (images shown as they go, with progress), then sends its message. */
  async sendFile(conversationId: string, file: Blob, name: string, voiceMs?: number): Promise<void> {
    const image = /^image\/(png|jpeg|gif|webp|bmp)$/.test(file.type);
    const kind: ClientKind = voiceMs !== undefined ? 'voice' : image ? 'image' : 'file';
    const view: UploadView = {
      id: `u${Date.now()}${Math.random().toString(36).slice(2, 6)}`,
      conversationId,
      name,
      kind,
      progress: 0,
      previewUrl: image ? URL.createObjectURL(file) : undefined,
    };
    this.uploads = [...this.uploads, view];
    this.changed();
    let answer: UploadAnswer;
    try {
      answer = await upload(await this.client.accessToken(), file, name, (fraction) => {
        view.progress = fraction;
        this.uploads = [...this.uploads];
        this.changed();
      });
    } catch (e) {
      view.error = e instanceof ParleyError ? e.code : String(e);
      this.uploads = [...this.uploads];
      this.changed();
      return;
    }
    this.media.put(answer.mediaId, file);
    let body: Body;
    let sent: ClientKind = kind;
    if (kind === 'image' && answer.contentType.startsWith('image/')) {
      const size = answer.width && answer.height ? { width: answer.width, height: answer.height } : await imageSize(file);
      body = { mediaId: answer.mediaId, ...size };
      if (answer.thumbnailUrl) this.media.put(`${answer.mediaId}/thumbnail`, file);
    } else if (voiceMs !== undefined) {
      // The recorder's own measure: media-service reads durations of WAV and MP4 only, not WebM.
      const durationMs = Math.max(1, Math.round(answer.durationMs ?? voiceMs));
      body = { mediaId: answer.mediaId, durationMs };
    } else {
      sent = 'file';
      body = { mediaId: answer.mediaId, name, size: answer.size };
    }
    this.uploads = this.uploads.filter((u) => u !== view);
    await this.client.send(conversationId, sent, body);
    this.changed();
  }

  typing(conversationId: string): void {
    this.client.typing(conversationId);
  }

  async recall(messageId: string): Promise<void> {
    const notice = await this.act(() => this.client.api.recall(messageId));
    // This device gets no push of its own recall: show the answer now.
    if (notice) {
      this.merge(notice.conversationId, [notice]);
      this.changed();
    }
  }

  async retry(clientMsgId: string): Promise<void> {
    await this.client.retry(clientMsgId);
    this.changed();
  }

  async discard(clientMsgId: string): Promise<void> {
    await this.client.discard(clientMsgId);
    this.changed();
  }

  // ---- contacts and groups

  async refreshLists(): Promise<void> {
    try {
      const [friends, incoming, outgoing, blocks] = await Promise.all([
        this.client.api.friends(),
        this.client.api.friendRequests('incoming'),
        this.client.api.friendRequests('outgoing'),
        this.client.api.blocks(),
      ]);
      this.friends = friends;
      this.incoming = incoming;
      this.outgoing = outgoing;
      this.blocks = blocks;
      for (const f of friends) this.names.set(f.userId, f.displayName);
      for (const b of blocks) this.names.set(b.userId, b.displayName);
      // A new friendship brings its direct conversation: read the list again if it is not known yet.
      const known = new Set(this.client.conversations().map((c) => c.conversationId));
      if (friends.some((f) => !known.has(f.conversationId))) void this.client.sync();
      this.changed();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Runs an action, refreshes the lists, and shows a refusal instead of throwing. */
  async act<T>(action: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await action();
      this.notice = null;
      await this.refreshLists();
      return result;
    } catch (e) {
      this.fail(e);
      return undefined;
    }
  }

  fail(e: unknown): void {
    this.notice = e instanceof ParleyError ? `${e.code}: ${e.message}` : String(e);
    this.changed();
  }

  // ---- wiring

  private wire(): void {
    const c = this.client;
    c.on('connection', ({ state }) => {
      this.connection = state;
      this.changed();
    });
    c.on('connected', () => void this.refreshLists());
    c.on('messages', ({ conversationId, messages }) => {
      this.merge(conversationId, messages);
      for (const m of messages) this.typingUntil.get(conversationId)?.delete(m.senderId);
      if (conversationId === this.openId) this.markOpenRead();
      this.changed();
    });
    c.on('recalled', (m) => {
      this.merge(m.conversationId, [m]);
      this.changed();
    });
    c.on('synced', () => void this.loadLastMessages());
    for (const name of ['queued', 'sent', 'sendFailed', 'unread', 'presence'] as const) {
      c.on(name, () => this.changed());
    }
    c.on('receipt', (r) => {
      let byUser = this.receipts.get(r.conversationId);
      if (!byUser) this.receipts.set(r.conversationId, (byUser = new Map()));
      const now = byUser.get(r.userId) ?? { delivered: 0, read: 0 };
      byUser.set(r.userId, { delivered: Math.max(now.delivered, r.deliveredSeq ?? 0), read: Math.max(now.read, r.readSeq ?? 0) });
      this.changed();
    });
    c.on('sessionEnded', () => {
      this.me = null;
      this.notice = 'Your session ended: log in again.';
      this.changed();
    });
    c.frames.on('typing', (f) => {
      let byUser = this.typingUntil.get(f.conversationId);
      if (!byUser) this.typingUntil.set(f.conversationId, (byUser = new Map()));
      byUser.set(f.fromUserId, Date.now() + 4000);
      setTimeout(() => this.changed(), 4100);
      this.changed();
    });
    c.frames.on('friend_request', (f) => {
      this.names.set(f.request.fromUserId, f.request.fromDisplayName);
      void this.refreshLists();
    });
    c.frames.on('friend_accepted', (f) => {
      this.names.set(f.user.userId, f.user.displayName);
      void this.refreshLists();
    });
    c.frames.on('friend_removed', () => void this.refreshLists());
    c.frames.on('conversation', () => this.changed());
  }
}

/** The kinds of conversation a group panel needs. */
export type { Friend };

function devices(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(DEVICES_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Each open tab is a device of its own (the SDK's store and device id must not be shared by two
 * clients at once): the tab takes the first known device id whose Web Lock no other tab holds, or
 * a new one, and holds its lock while it lives. A reload or a reopened tab gets its device back,
 * with its session, messages and unsent queue.
 */
async function claimDevice(): Promise<string> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  const known = devices();
  if (locks) {
    for (const id of known) {
      if (await holdLock(locks, id)) return id;
    }
  } else {
    const mine = sessionStorage.getItem('parley.deviceId');
    if (mine) return mine;
  }
  const id = `web-${Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  localStorage.setItem(DEVICES_KEY, JSON.stringify([...devices(), id]));
  sessionStorage.setItem('parley.deviceId', id);
  if (locks) await holdLock(locks, id);
  return id;
}

function holdLock(locks: LockManager, id: string): Promise<boolean> {
  return new Promise((resolve) => {
    void locks.request(`parley-device-${id}`, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? new Promise<void>(() => undefined) : undefined; // held until the tab closes
    });
  });
}

function isSingleEmoji(text: string): boolean {
  const segments = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)];
  return segments.length === 1 && /\p{Extended_Pictographic}/u.test(text);
}

async function imageSize(file: Blob): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(file);
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}
