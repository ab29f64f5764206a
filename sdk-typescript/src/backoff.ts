import type { Random } from './clock.js';

/** How long to wait before reconnect attempt `attempt` (0 for the first retry). */
export interface BackoffOptions {
  /** The first retry's ceiling, ms (default 500). */
  baseMs?: number;
  /** The ceiling never grows past this, ms (default 30 000). */
  maxMs?: number;
}

/**
 * "Full jitter" exponential backoff: a random delay in [0, min(max, base * 2^attempt)), so that
 * thousands of clients dropped at once by a gateway restart do not come back in lockstep.
 * The delay is at least 50 ms, so that a tight loop cannot form.
 */
export function backoffDelay(attempt: number, random: Random, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.max(50, Math.floor(random() * ceiling));
}
