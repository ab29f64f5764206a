/**
 * Time as the SDK sees it: the real clock by default, a manual one in tests, so that reconnect,
 * heartbeat and batching logic can be tested without waiting.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A random number in [0, 1); injectable so that jitter is testable. */
export type Random = () => number;
