import { useEffect, useState } from 'preact/hooks';
import type { AppModel } from '../model.js';
import { CallPanel } from './Call.js';
import { Chat } from './Chat.js';
import { Contacts } from './Contacts.js';
import { Conversations } from './Conversations.js';
import { NewGroup } from './Groups.js';
import { Login } from './Login.js';

type Page = { name: 'chats' } | { name: 'contacts' } | { name: 'new-group' };

const CONNECTION_TEXT: Record<string, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  open: 'Connected',
  waiting: 'Offline, reconnecting…',
  stopped: 'Disconnected',
};

/** The shell: log-in page, or the header, the conversation list and the page beside it. */
export function App({ model }: { model: AppModel }) {
  const [, rerender] = useState(0);
  useEffect(() => model.subscribe(() => rerender((v) => v + 1)), [model]);
  const [page, setPage] = useState<Page>({ name: 'chats' });
  const [openId, setOpenId] = useState<string | null>(null);

  if (!model.me) return <Login model={model} />;

  const open = (id: string | null) => {
    setOpenId(id);
    setPage({ name: 'chats' });
    void model.open(id);
  };
  const go = (next: Page) => {
    setPage(next);
    // Only a chat on screen marks messages read.
    void model.open(next.name === 'chats' ? openId : null);
  };
  const state = model.online ? model.connection : 'waiting';
  return (
    <div class="shell">
      <header class="top">
        <h1>Parley</h1>
        <nav aria-label="Main">
          <button aria-pressed={page.name === 'chats'} onClick={() => go({ name: 'chats' })}>Chats</button>
          <button aria-pressed={page.name === 'contacts'} onClick={() => go({ name: 'contacts' })}>
            Contacts{model.incoming.length > 0 && <span class="badge" aria-label={`${model.incoming.length} friend requests`}>{model.incoming.length}</span>}
          </button>
          <button aria-pressed={page.name === 'new-group'} onClick={() => go({ name: 'new-group' })}>New group</button>
        </nav>
        <span class={`connection ${state}`} role="status" data-testid="connection" data-state={state}>
          {CONNECTION_TEXT[state] ?? state}
        </span>
        <span class="me">{model.me.displayName} (@{model.me.username})</span>
        <button onClick={() => void model.logout()}>Log out</button>
      </header>
      {model.notice && (
        <p class="notice" role="alert">
          {model.notice} <button aria-label="Dismiss the notice" onClick={() => { model.notice = null; model.changed(); }}>×</button>
        </p>
      )}
      <div class="panes">
        <Conversations model={model} openId={openId} onOpen={open} />
        <main class="page">
          {page.name === 'contacts' && <Contacts model={model} onChat={open} />}
          {page.name === 'new-group' && <NewGroup model={model} onCreated={open} />}
          {page.name === 'chats' && (openId ? <Chat key={openId} model={model} conversationId={openId} onLeft={() => open(null)} /> : <p class="empty">Pick a conversation, or find friends in Contacts.</p>)}
        </main>
      </div>
      <CallPanel model={model} />
    </div>
  );
}
