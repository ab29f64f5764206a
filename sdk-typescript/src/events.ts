/**
 * A small typed event emitter: `on(name, handler)` where the handler's argument is the type the
 * event map gives that name. A throwing handler does not stop the others (it is reported to
 * `onHandlerError`, by default `console.error`).
 */
export class Emitter<M extends { [K in keyof M]: unknown }> {
  private readonly handlers = new Map<keyof M, Set<(value: never) => void>>();

  constructor(private readonly onHandlerError: (e: unknown) => void = (e) => console.error(e)) {}

  on<K extends keyof M>(name: K, handler: (value: M[K]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    set.add(handler as (value: never) => void);
    return () => this.off(name, handler);
  }

  once<K extends keyof M>(name: K, handler: (value: M[K]) => void): () => void {
    const off = this.on(name, (value) => {
      off();
      handler(value);
    });
    return off;
  }

  off<K extends keyof M>(name: K, handler: (value: M[K]) => void): void {
    this.handlers.get(name)?.delete(handler as (value: never) => void);
  }

  emit<K extends keyof M>(name: K, value: M[K]): void {
    const set = this.handlers.get(name);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as (value: M[K]) => void)(value);
      } catch (e) {
        this.onHandlerError(e);
      }
    }
  }
}
