import type { Problem } from './protocol.js';

/**
 * A refusal or failure of a REST call: the server's problem details (`code`, `status`), or
 * `network_error` (status 0) when no answer came.
 */
export class ParleyError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | undefined;
  /** From `retryAfterMs` or `Retry-After`, when the server gave one. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, code: string, message: string, problem?: Problem, retryAfterMs?: number) {
    super(message);
    this.name = 'ParleyError';
    this.status = status;
    this.code = code;
    this.problem = problem;
    this.retryAfterMs = retryAfterMs;
  }

  /** True when repeating the same request later can succeed. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Supplies the bearer token of a call and repairs it after a 401 (see `Session`). */
export interface TokenSource {
  /** A token valid for at least a little while (refreshed first when needed). */
  accessToken(): Promise<string>;
  /**
   * Called after a 401 on a call made with `token`; answers whether a new token is available
   * (then the call is repeated once). Implementations refresh, or end the session.
   */
  renew(token: string, code: string): Promise<boolean>;
}

export interface RequestOptions {
  /** Send the bearer token (default true). */
  auth?: boolean;
  /** Milliseconds before the call is abandoned as `network_error` (default 15 000). */
  timeoutMs?: number;
}

/**
 * REST calls to the gateway: JSON in and out, problem details turned into {@link ParleyError},
 * the bearer token from a {@link TokenSource} with one repeat after a refreshed token.
 */
export class HttpClient {
  private tokens: TokenSource | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly fetchFn: FetchLike,
  ) {}

  useTokens(tokens: TokenSource): void {
    this.tokens = tokens;
  }

  /** The answer's JSON body (undefined for 204), or a thrown {@link ParleyError}. */
  async request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const { response } = await this.exchange(method, path, body, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Like {@link request}, and also the status (201 vs 200 tells a first send from a resend). */
  async requestWithStatus<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const { response } = await this.exchange(method, path, body, options);
    const text = response.status === 204 ? '' : await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  private async exchange(method: string, path: string, body: unknown, options: RequestOptions): Promise<{ response: Response }> {
    const auth = options.auth ?? true;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let token: string | undefined;
      if (auth) {
        if (!this.tokens) throw new ParleyError(401, 'unauthorized', 'Not logged in.');
        token = await this.tokens.accessToken();
        headers['Authorization'] = `Bearer ${token}`;
      }
      const response = await this.fetchWithTimeout(method, path, headers, body, options.timeoutMs ?? 15_000);
      if (response.ok) return { response };
      const error = await toError(response);
      if (auth && token && response.status === 401 && attempt === 0 && (await this.tokens!.renew(token, error.code))) {
        continue;
      }
      throw error;
    }
  }

  private async fetchWithTimeout(method: string, path: string, headers: Record<string, string>, body: unknown, timeoutMs: number): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const init: RequestInit = { method, headers, signal: controller.signal };
      if (body !== undefined) init.body = JSON.stringify(body);
      return await this.fetchFn(this.baseUrl + path, init);
    } catch (e) {
      throw new ParleyError(0, 'network_error', `No answer from ${method} ${path}: ${String(e)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function toError(response: Response): Promise<ParleyError> {
  let problem: Problem | undefined;
  try {
    const text = await response.text();
    if (text) problem = JSON.parse(text) as Problem;
  } catch {
    problem = undefined;
  }
  const code = typeof problem?.code === 'string' ? problem.code : codeForStatus(response.status);
  let retryAfterMs = typeof problem?.retryAfterMs === 'number' ? problem.retryAfterMs : undefined;
  const header = response.headers.get('Retry-After');
  if (retryAfterMs === undefined && header && /^\d+$/.test(header)) retryAfterMs = Number(header) * 1000;
  const message = problem?.detail ?? problem?.title ?? `HTTP ${response.status}`;
  return new ParleyError(response.status, code, message, problem, retryAfterMs);
}

function codeForStatus(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 502 || status === 504) return 'service_unavailable';
  return status >= 500 ? 'internal_error' : 'validation_failed';
}
