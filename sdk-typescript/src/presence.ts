import type { PresenceEntry } from './protocol.js';

/**
 * Who of the user's friends is online, as last learnt: `GET /api/presence` after each connect,
 * then `presence` frames. Best effort like the frames it follows: a frame missed while offline is
 * repaired by the next connect's query.
 */
export class PresenceState {
  private readonly entries = new Map<string, PresenceEntry>();

  get(userId: string): PresenceEntry | undefined {
    return this.entries.get(userId);
  }

  all(): PresenceEntry[] {
    return [...this.entries.values()];
  }

  /** Applies an entry; true when it changed what is known. */
  apply(entry: PresenceEntry): boolean {
    const known = this.entries.get(entry.userId);
    if (known && known.online === entry.online && known.lastSeenAt === entry.lastSeenAt) return false;
    // A frame can overtake a query answer: never go back to an older lastSeenAt.
    if (known?.lastSeenAt && entry.lastSeenAt && entry.lastSeenAt < known.lastSeenAt) return false;
    this.entries.set(entry.userId, { ...entry });
    return true;
  }

  forget(userId: string): void {
    this.entries.delete(userId);
  }
}
