/** A small typed event emitter; a listener that throws does not stop the others. */
export type Listener<T> = (value: T) => void;

export class Emitter<Events> {
  private listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    (this.listeners[event] ??= new Set()).add(fn);
    return () => this.off(event, fn);
  }

  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): void {
    this.listeners[event]?.delete(fn);
  }

  protected emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.listeners[event];
    if (!set) return;
    for (const fn of Array.from(set)) callSafely(fn, value);
  }

  protected hasListeners(event: keyof Events): boolean {
    return !!this.listeners[event]?.size;
  }
}

/** Calls user code; an exception is reported asynchronously instead of breaking the caller. */
export function callSafely<T>(fn: Listener<T>, value: T): void {
  try {
    fn(value);
  } catch (err) {
    setTimeout(() => {
      throw err;
    });
  }
}
