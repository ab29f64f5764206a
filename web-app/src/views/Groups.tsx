import { useEffect, useState } from 'preact/hooks';
import type { AppModel } from '../model.js';
import type { Group } from '../sdk.js';

/** Create a group with some friends. */
export function NewGroup({ model, onCreated }: { model: AppModel; onCreated: (id: string) => void }) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState<Set<string>>(new Set());
  const toggle = (id: string) => {
    const next = new Set(members);
    if (!next.delete(id)) next.add(id);
    setMembers(next);
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const group = await model.act(() => model.client.api.createGroup(name.trim(), [...members]));
    if (group) {
      await model.client.sync();
      onCreated(group.id);
    }
  };
  return (
    <section aria-label="New group">
      <h2>New group</h2>
      <form onSubmit={create}>
        <label>
          Group name
          <input required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <fieldset>
          <legend>Members</legend>
          {model.friends.length === 0 && <p class="empty">Add friends first.</p>}
          {model.friends.map((f) => (
            <label key={f.userId} class="check">
              <input type="checkbox" checked={members.has(f.userId)} onChange={() => toggle(f.userId)} /> {f.displayName}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create group</button>
      </form>
    </section>
  );
}

/** Members, roles, add and remove, rename, leave. */
export function GroupPanel({ model, groupId, onLeft }: { model: AppModel; groupId: string; onLeft: () => void }) {
  const [group, setGroup] = useState<Group | null>(null);
  const [rename, setRename] = useState('');
  const [adding, setAdding] = useState('');
  const load = async () => {
    const g = await model.act(() => model.client.api.group(groupId));
    if (g) {
      setGroup(g);
      setRename(g.name);
    }
  };
  const conversation = model.conversation(groupId);
  useEffect(() => void load(), [groupId, conversation?.memberCount, conversation?.title]);
  if (!group) return <p>Loading the group…</p>;
  const me = model.me!.userId;
  const myRole = group.members.find((m) => m.userId === me)?.role ?? 'member';
  const manager = myRole === 'owner' || myRole === 'admin';
  const candidates = model.friends.filter((f) => !group.members.some((m) => m.userId === f.userId));
  const change = async (action: () => Promise<unknown>) => {
    await model.act(action);
    await load();
  };
  return (
    <aside class="group-panel" aria-label="Group info">
      <ul aria-label="Members">
        {group.members.map((m) => (
          <li key={m.userId} data-testid="member">
            <span>{model.name(m.userId)}</span> <small>{m.role}</small>
            {manager && m.userId !== me && m.role !== 'owner' && (
              <button onClick={() => void change(() => model.client.api.removeMember(groupId, m.userId))} aria-label={`Remove ${model.name(m.userId)}`}>Remove</button>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => { e.preventDefault(); if (adding) void change(() => model.client.api.addMembers(groupId, [adding])); setAdding(''); }}>
        <label>
          Add a friend
          <select value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
            <option value="">choose…</option>
            {candidates.map((f) => <option key={f.userId} value={f.userId}>{f.displayName}</option>)}
          </select>
        </label>
        <button type="submit" disabled={!adding}>Add</button>
      </form>
      {manager && (
        <form onSubmit={(e) => { e.preventDefault(); void change(() => model.client.api.renameGroup(groupId, rename.trim())); }}>
          <label>
            Group name
            <input required maxLength={64} value={rename} onInput={(e) => setRename(e.currentTarget.value)} />
          </label>
          <button type="submit">Rename</button>
        </form>
      )}
      <button class="danger" onClick={() => void model.act(() => model.client.api.removeMember(groupId, me)).then(onLeft)}>Leave group</button>
    </aside>
  );
}
