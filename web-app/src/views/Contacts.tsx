import { useState } from 'preact/hooks';
import type { AppModel } from '../model.js';
import type { PublicProfile } from '../sdk.js';

/** Search (exact username first), discover, a profile, requests in and out, friends, blocks. */
export function Contacts({ model, onChat }: { model: AppModel; onChat: (conversationId: string) => void }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<PublicProfile[] | null>(null);
  const [profile, setProfile] = useState<PublicProfile | null>(null);
  const [note, setNote] = useState('');

  const search = async (e: Event) => {
    e.preventDefault();
    const found = await model.act(() => model.client.api.search(q.trim(), 20));
    setResults(found?.users ?? []);
  };
  const discover = async () => {
    const found = await model.act(() => model.client.api.discover(10));
    setResults(found?.users ?? []);
  };
  const isFriend = (id: string) => model.friends.some((f) => f.userId === id);
  const requested = (id: string) => model.outgoing.some((r) => r.toUserId === id);

  return (
    <section class="contacts" aria-label="Contacts">
      <h2>Contacts</h2>
      <form class="search" role="search" onSubmit={search}>
        <label>
          Find people
          <input name="q" value={q} minLength={1} required onInput={(e) => setQ(e.currentTarget.value)} placeholder="username or name" />
        </label>
        <button type="submit">Search</button>
        <button type="button" onClick={() => void discover()}>Discover people</button>
      </form>
      {results && (
        <ul class="results" aria-label="Search results">
          {results.length === 0 && <li>Nobody found.</li>}
          {results.map((u) => (
            <li key={u.id} data-testid="result" data-username={u.username}>
              <span>{u.displayName} <small>@{u.username}</small></span>
              <button onClick={() => setProfile(u)} aria-label={`Profile of ${u.username}`}>Profile</button>
              {isFriend(u.id) ? <span>Friend</span> : requested(u.id) ? <span>Requested</span> : (
                <button onClick={() => void model.act(() => model.client.api.sendFriendRequest(u.id))} aria-label={`Add ${u.username} as a friend`}>Add friend</button>
              )}
            </li>
          ))}
        </ul>
      )}
      {profile && (
        <article class="profile" aria-label={`Profile of ${profile.username}`}>
          <h3>{profile.displayName}</h3>
          <p>@{profile.username}</p>
          {profile.bio && <p>{profile.bio}</p>}
          {!isFriend(profile.id) && !requested(profile.id) && (
            <>
              <label>Note with the request <input value={note} maxLength={500} onInput={(e) => setNote(e.currentTarget.value)} /></label>
              <button onClick={() => void model.act(() => model.client.api.sendFriendRequest(profile.id, note || undefined))}>Send friend request</button>
            </>
          )}
          <button onClick={() => void model.act(() => model.client.api.block(profile.id))}>Block</button>
          <button onClick={() => setProfile(null)}>Close</button>
        </article>
      )}

      <h3>Requests to you</h3>
      <ul aria-label="Incoming friend requests">
        {model.incoming.length === 0 && <li class="empty">None.</li>}
        {model.incoming.map((r) => (
          <li key={r.id} data-testid="incoming-request">
            <span>{model.name(r.fromUserId)}{r.message ? `: “${r.message}”` : ''}</span>
            <button onClick={() => void model.act(() => model.client.api.acceptFriendRequest(r.id))} aria-label={`Accept ${model.name(r.fromUserId)}`}>Accept</button>
            <button onClick={() => void model.act(() => model.client.api.rejectFriendRequest(r.id))} aria-label={`Reject ${model.name(r.fromUserId)}`}>Reject</button>
          </li>
        ))}
      </ul>
      <h3>Your requests</h3>
      <ul aria-label="Outgoing friend requests">
        {model.outgoing.length === 0 && <li class="empty">None.</li>}
        {model.outgoing.map((r) => (
          <li key={r.id} data-testid="outgoing-request">
            <span>{model.name(r.toUserId)}</span>
            <button onClick={() => void model.act(() => model.client.api.cancelFriendRequest(r.id))}>Cancel</button>
          </li>
        ))}
      </ul>
      <h3>Friends</h3>
      <ul aria-label="Friends">
        {model.friends.length === 0 && <li class="empty">No friends yet.</li>}
        {model.friends.map((f) => (
          <li key={f.userId} data-testid="friend">
            <span class={`dot ${model.presence(f.userId)?.online ? 'online' : 'offline'}`} role="img" aria-label={model.presence(f.userId)?.online ? 'online' : 'offline'} />
            <span>{f.displayName}</span>
            <button onClick={() => onChat(f.conversationId)} aria-label={`Chat with ${f.displayName}`}>Chat</button>
            <button onClick={() => void model.act(() => model.client.api.unfriend(f.userId))} aria-label={`Unfriend ${f.displayName}`}>Unfriend</button>
            <button onClick={() => void model.act(() => model.client.api.block(f.userId))} aria-label={`Block ${f.displayName}`}>Block</button>
          </li>
        ))}
      </ul>
      <h3>Blocked</h3>
      <ul aria-label="Blocked users">
        {model.blocks.length === 0 && <li class="empty">Nobody.</li>}
        {model.blocks.map((b) => (
          <li key={b.userId}>
            <span>{b.displayName}</span>
            <button onClick={() => void model.act(() => model.client.api.unblock(b.userId))} aria-label={`Unblock ${b.displayName}`}>Unblock</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
