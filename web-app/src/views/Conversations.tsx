import type { AppModel } from '../model.js';
import { preview } from './Media.js';

/** The conversation list: newest first, unread badges, last message, presence dots. */
export function Conversations({ model, openId, onOpen }: { model: AppModel; openId: string | null; onOpen: (id: string) => void }) {
  const list = model.conversations();
  return (
    <nav class="conversations" aria-label="Conversations">
      <h2>Chats</h2>
      {list.length === 0 && <p class="empty">No conversations yet.</p>}
      <ul>
        {list.map((c) => (
          <li key={c.id}>
            <button class={`conversation${c.id === openId ? ' open' : ''}`} data-testid="conversation" data-title={c.title} aria-current={c.id === openId ? 'true' : undefined} onClick={() => onOpen(c.id)}>
              {c.type === 'direct' ? (
                <span class={`dot ${c.online ? 'online' : 'offline'}`} role="img" aria-label={c.online ? 'online' : 'offline'} />
              ) : (
                <span class="dot group" role="img" aria-label={`group of ${c.memberCount}`} />
              )}
              <span class="title">{c.title}</span>
              {c.unread > 0 && <span class="badge" data-testid="unread" aria-label={`${c.unread} unread`}>{c.unread}</span>}
              <span class="last">{c.lastMessage ? `${c.type === 'group' ? `${model.name(c.lastMessage.senderId)}: ` : ''}${preview(c.lastMessage.kind, c.lastMessage.body, Boolean(c.lastMessage.recalledAt))}` : ''}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
