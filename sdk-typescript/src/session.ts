import type { Api } from './api.js';
import type { Clock } from './clock.js';
import { ParleyError, type TokenSource } from './http.js';
import type { TokenPair } from './protocol.js';

/** What a session keeps: the token pair and when the access token expires (epoch ms). */
export interface SessionTokens extends TokenPair {
  accessExpiresAt: number;
}

/** Why a session ended. */
export type SessionEndReason = 'logout' | 'refresh_rejected' | 'revoked';

export interface SessionHooks {
  /** The tokens changed (login, refresh): persist them. `null` once the session ended. */
  saved(tokens: SessionTokens | null): Promise<void> | void;
  ended(reason: SessionEndReason): void;
}

/**
 * One device session: its tokens, kept fresh.
 *
 * Promises: the access token is refreshed ahead of its expiry (`refreshAheadMs`, default 60 s) and
 * after a 401 `token_expired`; refreshes are serialised, one at a time per session, every caller
 * waiting for the same answer, because the server counts two refreshes racing with one refresh
 * token as reuse and ends the session. When a refresh is refused (`invalid_refresh_token`: the
 * token was spent, expired or the session revoked) the session ends and `ended` is called once.
 * It cannot coordinate with another process or tab using the same stored refresh token: give each
 * its own device id, or share one client.
 */
export class Session implements TokenSource {
  private tokens: SessionTokens | null;
  private refreshing: Promise<boolean> | null = null;
  private timer: unknown;
  private endedReason: SessionEndReason | null = null;

  constructor(
    private readonly api: Api,
    private readonly clock: Clock,
    private readonly hooks: SessionHooks,
    restored: SessionTokens | null,
    private readonly refreshAheadMs = 60_000,
  ) {
    this.tokens = restored;
    if (restored) this.schedule();
  }

  get current(): SessionTokens | null {
    return this.tokens;
  }

  get active(): boolean {
    return this.tokens !== null;
  }

  async login(username: string, password: string, deviceId: string): Promise<SessionTokens> {
    const pair = await this.api.login(username, password, deviceId);
    this.endedReason = null;
    await this.adopt(pair);
    return this.tokens!;
  }

  async accessToken(): Promise<string> {
    const tokens = this.tokens;
    if (!tokens) throw new ParleyError(401, 'unauthorized', 'Not logged in.');
    if (tokens.accessExpiresAt - this.clock.now() > 5_000) return tokens.accessToken;
    if (!(await this.refresh())) throw new ParleyError(401, 'unauthorized', 'The session has ended.');
    return this.tokens!.accessToken;
  }

  async renew(token: string, code: string): Promise<boolean> {
    if (!this.tokens) return false;
    // Another caller refreshed while this request was under way: just use the new token.
    if (this.tokens.accessToken !== token) return true;
    if (code !== 'token_expired' && code !== 'unauthorized') return false;
    return this.refresh();
  }

  /** Refreshes now (single flight). False when the session ended. */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** The server ended the session (socket closed 4001): forget the tokens. */
  revoked(): void {
    void this.end('revoked');
  }

  async logout(): Promise<void> {
    try {
      if (this.tokens) await this.api.logout();
    } finally {
      await this.end('logout');
    }
  }

  /** Stops the refresh timer without ending the session (the client closes). */
  stop(): void {
    this.clock.clearTimeout(this.timer);
  }

  private async doRefresh(): Promise<boolean> {
    const tokens = this.tokens;
    if (!tokens) return false;
    try {
      const pair = await this.api.refresh(tokens.refreshToken);
      await this.adopt(pair);
      return true;
    } catch (e) {
      if (e instanceof ParleyError && e.status === 401) {
        await this.end('refresh_rejected');
        return false;
      }
      throw e; // the network or the server: the tokens stay, the next call tries again
    }
  }

  private async adopt(pair: TokenPair): Promise<void> {
    this.tokens = { ...pair, accessExpiresAt: this.clock.now() + pair.expiresIn * 1000 };
    await this.hooks.saved(this.tokens);
    this.schedule();
  }

  private schedule(): void {
    this.clock.clearTimeout(this.timer);
    if (!this.tokens) return;
    const wait = Math.max(1_000, this.tokens.accessExpiresAt - this.clock.now() - this.refreshAheadMs);
    this.timer = this.clock.setTimeout(() => {
      this.refresh().catch(() => this.retryLater());
    }, wait);
  }

  private retryLater(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.refresh().catch(() => this.retryLater());
    }, 10_000);
  }

  private async end(reason: SessionEndReason): Promise<void> {
    this.clock.clearTimeout(this.timer);
    const had = this.tokens !== null;
    this.tokens = null;
    if (had) await this.hooks.saved(null);
    if (this.endedReason === null) {
      this.endedReason = reason;
      this.hooks.ended(reason);
    }
  }
}
