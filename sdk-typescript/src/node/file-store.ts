import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Message } from '../protocol.js';
import { MemoryStore, type StoreWrite, type StoredState } from '../store.js';

interface FileContent {
  version: 1;
  messages: Message[];
  positions: StoredState['positions'];
  outbox: StoredState['outbox'];
  meta: Record<string, unknown>;
}

/**
 * A store in one JSON file, for Node clients (bots, tools, tests) that must keep their unsent
 * queue and positions across restarts. Each `write` rewrites the file atomically (a temporary
 * file, fsync, rename), so a crash leaves either the old or the new content, never a torn one;
 * it resolves once the data is on disk. Everything is held in memory as well: meant for
 * thousands of messages, not millions (use a database for that).
 */
export class FileStore extends MemoryStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {
    super();
  }

  override async open(): Promise<StoredState> {
    let content: FileContent | null = null;
    try {
      content = JSON.parse(await readFile(this.path, 'utf8')) as FileContent;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (content) {
      this.apply({ messages: content.messages, positions: content.positions, outboxPut: content.outbox, meta: content.meta });
    }
    return this.snapshot();
  }

  override write(change: StoreWrite): Promise<void> {
    this.apply(change);
    const content = JSON.stringify(this.content());
    const next = this.writing.then(() => this.persist(content));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private content(): FileContent {
    const state = this.snapshot();
    const messages = [...this.messagesByConversation.values()].flatMap((m) => [...m.values()]);
    return { version: 1, messages, positions: state.positions, outbox: state.outbox, meta: state.meta };
  }

  private async persist(content: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(content, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
  }
}
