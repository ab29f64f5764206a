import { backoffDelay } from './backoff.js';
import type { Clock, Random } from './clock.js';
import { ParleyError } from './http.js';
import { RETRYABLE_SEND_CODES, type AckFrame, type ErrorFrame, type Message, type SendFrame } from './protocol.js';
import type { OutboxEntry } from './store.js';

export interface OutboxOptions {
  /** Sends of one conversation in flight at once on the socket (default 8). 1 = stop and wait. */
  maxInFlightPerConversation?: number;
  /** Sends in flight at once on one socket, all conversations together (default 32). */
  maxInFlight?: number;
  /**
   * The client's own pace, sends per second across the user's conversations (default 25), and
   * the burst it may send at once (default 90): below the server's default per-user limit (30/s,
   * bursts of 100), so that a client alone never gets `rate_limited`, which could let a later send
   * of a pipeline be stored before a refused earlier one.
   */
  sendRate?: number;
  sendBurst?: number;
  /** Resend over `POST /api/conversations/{id}/messages` while the socket is down (default true). */
  restFallback?: boolean;
  /** An in-flight socket send without an answer for this long means the socket is dead, ms (default 20 000). */
  ackTimeoutMs?: number;
  /** Acks to wait for, one send at a time, after a refusal before pipelining again (default 3). */
  strictAcks?: number;
}

/** How the outbox reaches the server; the client supplies it. */
export interface SendTransport {
  /** The generation of the open socket, or null while there is none. */
  socketGeneration(): number | null;
  sendFrame(frame: SendFrame): boolean;
  /** Whether REST calls can be made now (logged in). */
  canUseRest(): boolean;
  sendRest(entry: OutboxEntry): Promise<{ status: number; body: Message }>;
  /** The socket looks dead (sends without an answer): drop it and reconnect. */
  stalled(): void;
}

export interface OutboxHooks {
  /** Stored for good: `message` is the stored message (built from the ack for socket sends). */
  acked(entry: OutboxEntry, message: Message): void;
  /** Refused for good with `code`; the entry stays in the store marked failed. */
  failed(entry: OutboxEntry, code: string, message: string): void;
  /** A send was acked while an earlier one of the same conversation was still unacked. */
  reordered(conversationId: string, ackedClientMsgId: string, pendingClientMsgId: string): void;
}

interface InFlight {
  transport: 'socket' | 'rest';
  generation: number;
  sentAt: number;
}

/** The unacked sends of one conversation, in the order the user wrote them. */
interface Lane {
  conversationId: string;
  queue: OutboxEntry[];
  inFlight: Map<string, InFlight>;
  blockedUntil: number;
  /** Acks still to come one at a time before the window opens again (0: not strict). */
  strict: number;
  failures: number;
}

/**
 * The unsent queue on the wire: every entry is sent, and resent with the same `clientMsgId`,
 * until the server acks it or refuses it for good.
 *
 * Order promise: within a conversation, entries leave in the order written and a later entry is
 * never sent while an earlier one is neither acked nor in flight. The server stores one socket's
 * sends in the order they arrive, so entries are stored in the order written as long as none is
 * refused with a retryable code (`rate_limited`, `service_unavailable`) while later ones of its
 * conversation are in flight: those later ones may then be stored first. The own pace
 * (`sendRate`) keeps a lone client clear of the server's rate limit, and after any refusal the
 * conversation goes one send at a time (`strictAcks`), which bounds the reordering to the window
 * in flight at the refusal; `reordered` reports it. With `maxInFlightPerConversation: 1` the
 * order holds whatever the server answers.
 *
 * Transports: the socket while one is open (a window per conversation, several conversations at
 * once), else the REST send, one request at a time per conversation (HTTP requests may overtake
 * each other). A conversation switches transport only when nothing of it is in flight. When a
 * socket closes, its unanswered sends count as unsent and go again, first to last.
 */
export class Outbox {
  private readonly lanes = new Map<string, Lane>();
  private readonly laneOf = new Map<string, Lane>();
  private readonly options: Required<OutboxOptions>;
  private tokens: number;
  private refilledAt: number;
  private socketInFlight = 0;
  private wakeTimer: unknown = null;
  private wakeAt = Infinity;
  private stopped = false;

  constructor(
    private readonly transport: SendTransport,
    private readonly hooks: OutboxHooks,
    private readonly clock: Clock,
    private readonly random: Random,
    options: OutboxOptions = {},
  ) {
    this.options = {
      maxInFlightPerConversation: options.maxInFlightPerConversation ?? 8,
      maxInFlight: options.maxInFlight ?? 32,
      sendRate: options.sendRate ?? 25,
      sendBurst: options.sendBurst ?? 90,
      restFallback: options.restFallback ?? true,
      ackTimeoutMs: options.ackTimeoutMs ?? 20_000,
      strictAcks: options.strictAcks ?? 3,
    };
    this.tokens = this.options.sendBurst;
    this.refilledAt = clock.now();
  }

  /** Unacked entries (not failed), all conversations, in the order written. */
  get pending(): OutboxEntry[] {
    return [...this.lanes.values()].flatMap((l) => l.queue).sort((a, b) => a.order - b.order);
  }

  has(clientMsgId: string): boolean {
    return this.laneOf.has(clientMsgId);
  }

  add(entry: OutboxEntry): void {
    if (entry.failed || this.laneOf.has(entry.clientMsgId)) return;
    let lane = this.lanes.get(entry.conversationId);
    if (!lane) {
      lane = { conversationId: entry.conversationId, queue: [], inFlight: new Map(), blockedUntil: 0, strict: 0, failures: 0 };
      this.lanes.set(entry.conversationId, lane);
    }
    // Keep written order also when restored entries come in any order.
    let i = lane.queue.length;
    while (i > 0 && lane.queue[i - 1]!.order > entry.order) i--;
    lane.queue.splice(i, 0, entry);
    this.laneOf.set(entry.clientMsgId, lane);
    this.pump();
  }

  /** The socket answered a send with `ack`. */
  onAck(frame: AckFrame): void {
    const lane = this.laneOf.get(frame.id);
    if (!lane) return; // already settled (a resend answered twice, or another client's store)
    const entry = lane.queue.find((e) => e.clientMsgId === frame.id)!;
    const message: Message = {
      messageId: frame.messageId,
      conversationId: frame.conversationId,
      seq: frame.seq,
      senderId: '',
      senderDeviceId: '',
      clientMsgId: entry.clientMsgId,
      kind: entry.kind,
      body: entry.body,
      createdAt: frame.createdAt,
    };
    this.settle(lane, entry, () => this.hooks.acked(entry, message));
  }

  /** The socket answered a send with `error`; false when the id names no entry. */
  onError(frame: ErrorFrame): boolean {
    const lane = frame.id ? this.laneOf.get(frame.id) : undefined;
    if (!lane || !frame.id) return false;
    const entry = lane.queue.find((e) => e.clientMsgId === frame.id)!;
    const flight = lane.inFlight.get(entry.clientMsgId);
    if (flight?.transport === 'socket') this.socketInFlight = Math.max(0, this.socketInFlight - 1);
    lane.inFlight.delete(entry.clientMsgId);
    if (RETRYABLE_SEND_CODES.has(frame.code)) {
      this.refused(lane, frame.retryAfterMs);
    } else {
      this.settle(lane, entry, () => this.hooks.failed(entry, frame.code, frame.message));
    }
    this.pump();
    return true;
  }

  /** The socket of `generation` closed: what it had in flight is unsent again. */
  onSocketClosed(generation: number): void {
    for (const lane of this.lanes.values()) {
      for (const [id, flight] of lane.inFlight) {
        if (flight.transport === 'socket' && flight.generation === generation) lane.inFlight.delete(id);
      }
    }
    this.socketInFlight = 0;
    this.pump();
  }

  /** A socket opened (or anything else changed that may let sends go). */
  pump(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const generation = this.transport.socketGeneration();
    let nextWake = Infinity;
    for (const lane of this.lanes.values()) {
      if (lane.queue.length === 0) continue;
      if (lane.blockedUntil > now) {
        nextWake = Math.min(nextWake, lane.blockedUntil);
        continue;
      }
      if (lane.strict > 0 && lane.inFlight.size > 0) continue;
      const flights = [...lane.inFlight.values()];
      if (generation !== null) {
        // Do not mix transports or sockets in one conversation: wait for the others to settle.
        if (flights.some((f) => f.transport === 'rest' || f.generation !== generation)) continue;
        const window = lane.strict > 0 ? 1 : this.options.maxInFlightPerConversation;
        while (lane.inFlight.size < window && this.socketInFlight < this.options.maxInFlight) {
          const entry = lane.queue[lane.inFlight.size];
          if (!entry) break;
          if (!this.takeToken(now)) {
            nextWake = Math.min(nextWake, this.nextTokenAt());
            break;
          }
          const frame: SendFrame = { type: 'send', id: entry.clientMsgId, conversationId: entry.conversationId, kind: entry.kind, body: entry.body };
          if (!this.transport.sendFrame(frame)) break;
          lane.inFlight.set(entry.clientMsgId, { transport: 'socket', generation, sentAt: now });
          this.socketInFlight++;
        }
      } else if (this.options.restFallback && lane.inFlight.size === 0 && this.transport.canUseRest()) {
        const entry = lane.queue[0]!;
        if (!this.takeToken(now)) {
          nextWake = Math.min(nextWake, this.nextTokenAt());
          continue;
        }
        lane.inFlight.set(entry.clientMsgId, { transport: 'rest', generation: -1, sentAt: now });
        void this.restSend(lane, entry);
      }
    }
    // Watch for a socket that takes sends and never answers them.
    let oldest = Infinity;
    for (const lane of this.lanes.values()) {
      for (const flight of lane.inFlight.values()) {
        if (flight.transport === 'socket') oldest = Math.min(oldest, flight.sentAt);
      }
    }
    if (oldest !== Infinity) {
      const deadline = oldest + this.options.ackTimeoutMs;
      if (deadline <= now) {
        this.transport.stalled();
      } else {
        nextWake = Math.min(nextWake, deadline);
      }
    }
    this.wakeAtTime(nextWake);
  }

  /** A failed entry goes back into the queue (the user asked to retry it). */
  retry(entry: OutboxEntry): void {
    const { failed: _failed, ...rest } = entry;
    this.add(rest);
  }

  /** Removes an entry that is not in flight (the user discarded it). */
  discard(clientMsgId: string): boolean {
    const lane = this.laneOf.get(clientMsgId);
    if (!lane || lane.inFlight.has(clientMsgId)) return false;
    lane.queue = lane.queue.filter((e) => e.clientMsgId !== clientMsgId);
    this.laneOf.delete(clientMsgId);
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.wakeTimer);
  }

  private async restSend(lane: Lane, entry: OutboxEntry): Promise<void> {
    try {
      const { body } = await this.transport.sendRest(entry);
      if (!lane.inFlight.has(entry.clientMsgId) && !this.laneOf.has(entry.clientMsgId)) return;
      this.settle(lane, entry, () => this.hooks.acked(entry, body));
    } catch (e) {
      lane.inFlight.delete(entry.clientMsgId);
      if (!this.laneOf.has(entry.clientMsgId)) return;
      const error = e instanceof ParleyError ? e : new ParleyError(0, 'network_error', String(e));
      if (error.retryable || error.status === 401) {
        this.refused(lane, error.retryAfterMs);
      } else {
        this.settle(lane, entry, () => this.hooks.failed(entry, error.code, error.message));
      }
    }
    this.pump();
  }

  /** Removes a settled entry; reports a reorder when an earlier one is still unacked. */
  private settle(lane: Lane, entry: OutboxEntry, report: () => void): void {
    const index = lane.queue.indexOf(entry);
    const flight = lane.inFlight.get(entry.clientMsgId);
    if (flight?.transport === 'socket') this.socketInFlight = Math.max(0, this.socketInFlight - 1);
    lane.inFlight.delete(entry.clientMsgId);
    lane.queue.splice(index, 1);
    this.laneOf.delete(entry.clientMsgId);
    lane.failures = 0;
    if (lane.strict > 0) lane.strict--;
    report();
    if (index > 0) {
      this.hooks.reordered(lane.conversationId, entry.clientMsgId, lane.queue[0]!.clientMsgId);
    }
    if (lane.queue.length === 0) this.lanes.delete(lane.conversationId);
    this.pump();
  }

  private refused(lane: Lane, retryAfterMs: number | undefined): void {
    lane.strict = this.options.strictAcks;
    const wait = retryAfterMs ?? backoffDelay(lane.failures, this.random, { baseMs: 500, maxMs: 30_000 });
    lane.failures++;
    lane.blockedUntil = Math.max(lane.blockedUntil, this.clock.now() + wait);
  }

  private takeToken(now: number): boolean {
    const { sendRate, sendBurst } = this.options;
    this.tokens = Math.min(sendBurst, this.tokens + ((now - this.refilledAt) * sendRate) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private nextTokenAt(): number {
    return this.refilledAt + Math.ceil(((1 - this.tokens) * 1000) / this.options.sendRate);
  }

  private wakeAtTime(at: number): void {
    if (at === Infinity) return;
    if (this.wakeTimer !== null && this.wakeAt <= at) return;
    this.clock.clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.clock.setTimeout(() => {
      this.wakeTimer = null;
      this.wakeAt = Infinity;
      this.pump();
    }, Math.max(0, at - this.clock.now()));
  }
}
