import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Clock, Random } from './clock.js';
import { ParleyError } from './http.js';
import { CloseCodes, type ClientFrame, type ServerFrame, type WelcomeFrame } from './protocol.js';

/** The part of the WHATWG WebSocket the SDK uses (browsers, Node 22+, and the `ws` package). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketFactory = new (url: string) => WebSocketLike;

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped';

export interface ConnectionOptions extends BackoffOptions {
  /** How long to wait for `welcome` after asking for a ticket, ms (default 10 000). */
  openTimeoutMs?: number;
  /**
   * A socket on which no frame arrives for this long after a `ping` is dead and is dropped, ms
   * (default: the heartbeat interval, at most 15 000).
   */
  pongTimeoutMs?: number;
  /** A connection that lasted this long resets the backoff, ms (default 10 000). */
  stableAfterMs?: number;
}

export interface ConnectionHooks {
  /** A ticket for the next handshake (`POST /api/auth/ws-ticket`). */
  ticket(): Promise<string>;
  opened(welcome: WelcomeFrame, generation: number): void;
  frame(frame: ServerFrame, generation: number): void;
  /** The socket of `generation` is gone (whatever the reason); `code` is its close code. */
  closed(generation: number, code: number, reason: string): void;
  /** The server ended the device session (4001), or the ticket could not be had for that reason. */
  sessionEnded(): void;
  stateChanged(state: ConnectionState, detail: { attempt: number; delayMs?: number; code?: number }): void;
}

/**
 * The one WebSocket of a client, kept open: a ticket per handshake (`/ws?ticket=`), `ping` every
 * `heartbeatIntervalMs` of the `welcome`, a dead-socket check after each ping, and reconnects with
 * exponential backoff and full jitter (at once, jittered within 1 s, after 1001 "going away"; never
 * after 4001 "session ended").
 *
 * Each socket gets a generation number; frames and closes name it, so that a late event of a
 * replaced socket cannot be mistaken for the current one's. Promises nothing about delivery: the
 * outbox and inbox repair whatever a lost socket lost.
 */
export class Connection {
  private state: ConnectionState = 'idle';
  private socket: WebSocketLike | null = null;
  private generation = 0;
  private attempt = 0;
  private welcome: WelcomeFrame | null = null;
  private timers = { retry: null as unknown, open: null as unknown, ping: null as unknown, pong: null as unknown, stable: null as unknown };
  private pingCount = 0;

  constructor(
    private readonly url: string,
    private readonly WebSocketImpl: WebSocketFactory,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly hooks: ConnectionHooks,
    private readonly options: ConnectionOptions = {},
  ) {}

  get current(): { state: ConnectionState; generation: number; welcome: WelcomeFrame | null } {
    return { state: this.state, generation: this.generation, welcome: this.welcome };
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The raw socket while open (tests use it to kill a connection). */
  get rawSocket(): WebSocketLike | null {
    return this.state === 'open' ? this.socket : null;
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.attempt = 0;
    void this.open();
  }

  stop(): void {
    this.setState('stopped');
    this.clearTimers();
    this.drop(1000, 'client stopped');
  }

  /** Writes a frame on the open socket; false when there is none (the caller keeps the frame). */
  send(frame: ClientFrame): boolean {
    if (this.state !== 'open' || !this.socket) return false;
    try {
      this.socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Drops the current socket as if the network had failed, and reconnects (tests, app resume). */
  reconnectNow(): void {
    if (this.state === 'stopped' || this.state === 'idle') return;
    this.attempt = 0;
    this.lost(1006, 'reconnect requested');
  }

  private async open(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('connecting');
    const generation = ++this.generation;
    let ticket: string;
    try {
      ticket = await this.hooks.ticket();
    } catch (e) {
      if (this.generation !== generation || this.stopped()) return;
      if (e instanceof ParleyError && e.status === 401) {
        this.hooks.sessionEnded();
        this.stop();
        return;
      }
      this.retry();
      return;
    }
    if (this.generation !== generation || this.stopped()) return;
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(`${this.url}?ticket=${encodeURIComponent(ticket)}`);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    this.timers.open = this.clock.setTimeout(() => {
      if (this.generation === generation && this.state === 'connecting') this.lost(1006, 'no welcome');
    }, this.options.openTimeoutMs ?? 10_000);
    socket.onmessage = (event) => {
      if (this.generation !== generation) return;
      this.received(event.data, generation);
    };
    socket.onclose = (event) => {
      if (this.generation !== generation) return;
      this.lost(event.code, event.reason);
    };
    socket.onerror = () => {
      // A close event follows; nothing to do here.
    };
  }

  private received(data: unknown, generation: number): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer)) as ServerFrame;
    } catch {
      return; // the server sends JSON only; ignore anything else
    }
    this.clock.clearTimeout(this.timers.pong);
    this.timers.pong = null;
    if (frame.type === 'welcome' && this.state === 'connecting') {
      this.clock.clearTimeout(this.timers.open);
      this.welcome = frame;
      this.setState('open');
      this.heartbeat(frame.heartbeatIntervalMs, generation);
      this.timers.stable = this.clock.setTimeout(() => {
        this.attempt = 0;
      }, this.options.stableAfterMs ?? 10_000);
      this.hooks.opened(frame, generation);
      return;
    }
    this.hooks.frame(frame, generation);
  }

  private heartbeat(intervalMs: number, generation: number): void {
    const interval = Math.max(1_000, intervalMs);
    const pongTimeout = this.options.pongTimeoutMs ?? Math.min(interval, 15_000);
    const tick = () => {
      if (this.generation !== generation || this.state !== 'open') return;
      this.send({ type: 'ping', id: `p${++this.pingCount}` });
      if (this.timers.pong === null) {
        this.timers.pong = this.clock.setTimeout(() => {
          if (this.generation === generation && this.state === 'open') this.lost(1006, 'no answer to ping');
        }, pongTimeout);
      }
      this.timers.ping = this.clock.setTimeout(tick, interval);
    };
    this.timers.ping = this.clock.setTimeout(tick, interval);
  }

  /** The current socket is gone: tell the hooks once, then reconnect unless the session ended. */
  private lost(code: number, reason: string): void {
    const generation = this.generation;
    this.clearTimers();
    this.drop(code === 1006 ? 4999 : code, reason);
    this.welcome = null;
    this.hooks.closed(generation, code, reason);
    if (this.state === 'stopped') return;
    if (code === CloseCodes.SESSION_REVOKED) {
      this.hooks.sessionEnded();
      this.stop();
      return;
    }
    if (code === CloseCodes.GOING_AWAY) {
      this.attempt = 0;
      this.wait(Math.floor(this.random() * 1_000));
      return;
    }
    this.retry();
  }

  private retry(): void {
    this.wait(backoffDelay(this.attempt++, this.random, this.options));
  }

  private wait(delayMs: number): void {
    this.generation++; // whatever the old socket still says is ignored
    this.setState('waiting', { delayMs });
    this.timers.retry = this.clock.setTimeout(() => void this.open(), delayMs);
  }

  private drop(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onopen = null;
    try {
      // 4999 is this client's own "connection dropped"; 1006 cannot be sent.
      socket.close(code >= 4000 || code === 1000 ? code : 1000, reason.slice(0, 100));
    } catch {
      // already closed
    }
  }

  private stopped(): boolean {
    return this.state === 'stopped';
  }

  private clearTimers(): void {
    for (const key of Object.keys(this.timers) as (keyof typeof this.timers)[]) {
      this.clock.clearTimeout(this.timers[key]);
      this.timers[key] = null;
    }
  }

  private setState(state: ConnectionState, detail: { delayMs?: number; code?: number } = {}): void {
    this.state = state;
    this.hooks.stateChanged(state, { attempt: this.attempt, ...detail });
  }
}
