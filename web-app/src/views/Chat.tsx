import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AppModel, ChatRow } from '../model.js';
import { GroupPanel } from './Groups.js';
import { FileLink, Image, Voice } from './Media.js';

const EMOJI = ['😀', '😂', '😍', '👍', '🙏', '🎉', '❤️', '😢', '😮', '🔥', '👋', '✅'];
/**
 * At most this many rows are in the DOM: the window slides by STEP rows when the list is scrolled
 * to its top (older rows, then older history from the store and the server) or its bottom, so a
 * conversation of 10,000 messages costs no more to render than one of 240.
 */
const MAX_ROWS = 240;
const STEP = 120;
const RECALL_WINDOW_MS = 2 * 60 * 1000;

const TICKS: Record<ChatRow['state'], string> = {
  sending: '🕓',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '⚠',
  received: '',
};

/** One conversation: history with scroll-back, typing, ticks, recall, and the composer. */
export function Chat({ model, conversationId, onLeft }: { model: AppModel; conversationId: string; onLeft: () => void }) {
  const conversation = model.conversation(conversationId);
  const rows = model.rows(conversationId);
  /** The key of the window's last row; null follows the newest. */
  const [endKey, setEndKey] = useState<string | null>(null);
  const [showGroup, setShowGroup] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const busy = useRef(false);
  /** A row that stays on screen while the window moves, and where it was. */
  const anchor = useRef<{ key: string; offset: number } | null>(null);

  const found = endKey === null ? -1 : rows.findIndex((r) => r.key === endKey);
  const endIndex = found < 0 ? rows.length : found + 1;
  const start = Math.max(0, endIndex - MAX_ROWS);
  const visible = rows.slice(start, endIndex);
  const lastKey = rows.at(-1)?.key;
  const hasOlder = start > 0 || model.hasOlder(conversationId);

  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    const held = anchor.current;
    const li = held && el.querySelector<HTMLElement>(`[data-key="${held.key}"]`);
    if (held && li) {
      el.scrollTop = li.offsetTop - held.offset;
      anchor.current = null;
    } else if (stick.current && endKey === null) {
      el.scrollTop = el.scrollHeight;
    }
  }, [lastKey, start, endIndex, rows.length]);

  const keep = (key: string | undefined) => {
    const el = list.current;
    const li = key && el?.querySelector<HTMLElement>(`[data-key="${key}"]`);
    if (el && li && key) anchor.current = { key, offset: li.offsetTop - el.scrollTop };
  };
  const older = async () => {
    if (busy.current) return;
    busy.current = true;
    try {
      keep(visible[0]?.key);
      if (start > 0) {
        const end = Math.max(Math.min(rows.length, MAX_ROWS), endIndex - STEP);
        setEndKey(rows[end - 1]!.key);
      } else {
        if (endKey === null && rows.length >= MAX_ROWS) setEndKey(lastKey ?? null);
        await model.loadOlder(conversationId);
      }
    } finally {
      busy.current = false;
    }
  };
  const newer = () => {
    keep(visible.at(-1)?.key);
    const end = Math.min(rows.length, endIndex + STEP);
    setEndKey(end >= rows.length ? null : rows[end - 1]!.key);
  };
  const onScroll = () => {
    const el = list.current!;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    stick.current = nearBottom;
    if (el.scrollTop < 20 && hasOlder) void older();
    else if (nearBottom && endIndex < rows.length) newer();
  };

  if (!conversation) return <p class="empty">This conversation is not available.</p>;
  const typing = model.typingIn(conversationId);
  const peer = conversation.peerId;
  return (
    <section class="chat" aria-label={`Chat with ${conversation.title}`}>
      <header class="chat-head">
        {peer && <span class={`dot ${conversation.online ? 'online' : 'offline'}`} role="img" aria-label={conversation.online ? 'online' : 'offline'} />}
        <h2>{conversation.title}</h2>
        {conversation.type === 'group' && <small>{conversation.memberCount} members</small>}
        <span class="typing" aria-live="polite" data-testid="typing">
          {typing.length > 0 ? `${typing.map((u) => model.name(u)).join(', ')} ${typing.length > 1 ? 'are' : 'is'} typing…` : ''}
        </span>
        {peer && (
          <button onClick={() => void model.calls.start(peer)} aria-label={`Call ${conversation.title}`}>📞 Call</button>
        )}
        {conversation.type === 'group' && (
          <button aria-expanded={showGroup} onClick={() => setShowGroup(!showGroup)}>Group info</button>
        )}
      </header>
      {showGroup && conversation.type === 'group' && <GroupPanel model={model} groupId={conversationId} onLeft={onLeft} />}
      <ol class="messages" ref={list} onScroll={onScroll} role="log" aria-label="Messages" tabIndex={0}>
        {hasOlder && (
          <li class="older">
            <button onClick={() => void older()}>Load older messages</button>
          </li>
        )}
        {visible.map((row) => (
          <Row key={row.key} model={model} row={row} group={conversation.type === 'group'} />
        ))}
        {model.uploads
          .filter((u) => u.conversationId === conversationId)
          .map((u) => (
            <li key={u.id} class="row mine upload" data-testid="upload">
              {u.previewUrl && <img class="preview" src={u.previewUrl} alt={`Preview of ${u.name}`} />}
              <span>{u.name}</span>
              {u.error ? <span role="alert">Upload failed: {u.error}</span> : <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />}
            </li>
          ))}
      </ol>
      {endIndex < rows.length && (
        <button class="newest" onClick={() => { stick.current = true; setEndKey(null); }}>Jump to the newest messages</button>
      )}
      <Composer model={model} conversationId={conversationId} />
    </section>
  );
}

function Row({ model, row, group }: { model: AppModel; row: ChatRow; group: boolean }) {
  const mine = row.state !== 'received';
  const mayRecall = mine && row.messageId && !row.recalled && row.kind !== 'system' && Date.now() - Date.parse(row.createdAt) < RECALL_WINDOW_MS;
  if (row.kind === 'system') {
    return (
      <li class="row system" data-testid="message" data-key={row.key} data-seq={row.seq}>
        {systemText(model, row)}
      </li>
    );
  }
  return (
    <li class={`row ${mine ? 'mine' : 'theirs'}`} data-testid="message" data-key={row.key} data-seq={row.seq} data-state={row.state}>
      {group && !mine && <span class="sender">{model.name(row.senderId)}</span>}
      <span class="content" data-testid="content">{row.recalled ? <em>Message recalled</em> : <Content model={model} row={row} />}</span>
      <span class="meta">
        <time dateTime={row.createdAt}>{new Date(row.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
        {mine && (
          <span class={`tick ${row.state}`} data-testid="tick" role="img" aria-label={row.state}>
            {TICKS[row.state]}
          </span>
        )}
        {mayRecall && (
          <button class="recall" onClick={() => void model.recall(row.messageId!)} aria-label="Recall this message">Recall</button>
        )}
        {row.state === 'failed' && (
          <>
            <span role="alert">Not sent: {row.failure}</span>
            <button onClick={() => void model.retry(row.key.slice(1))}>Retry</button>
            <button onClick={() => void model.discard(row.key.slice(1))}>Discard</button>
          </>
        )}
      </span>
    </li>
  );
}

function Content({ model, row }: { model: AppModel; row: ChatRow }) {
  const b = row.body ?? {};
  switch (row.kind) {
    case 'text':
      return <span class="text">{String(b['text'] ?? '')}</span>;
    case 'emoji':
      return <span class="emoji-big">{String(b['emoji'] ?? '')}</span>;
    case 'image':
      return <Image model={model} mediaId={String(b['mediaId'])} width={Number(b['width'] ?? 240)} height={Number(b['height'] ?? 240)} />;
    case 'voice':
    case 'video':
      return <Voice model={model} mediaId={String(b['mediaId'])} durationMs={Number(b['durationMs'] ?? 0)} />;
    case 'file':
      return <FileLink model={model} mediaId={String(b['mediaId'])} name={String(b['name'] ?? 'file')} size={Number(b['size'] ?? 0)} />;
    case 'location': {
      const lat = Number(b['lat']);
      const lng = Number(b['lng']);
      return (
        <a class="location" href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=15/${lat}/${lng}`} target="_blank" rel="noopener noreferrer">
          📍 {b['label'] ? String(b['label']) : 'Location'} ({lat.toFixed(4)}, {lng.toFixed(4)})
        </a>
      );
    }
    default:
      return <code>{row.kind}</code>;
  }
}

function systemText(model: AppModel, row: ChatRow): string {
  const b = row.body ?? {};
  const actor = model.name(String(b['actorId'] ?? ''));
  const users = Array.isArray(b['userIds']) ? (b['userIds'] as string[]).map((u) => model.name(u)).join(', ') : '';
  switch (b['event']) {
    case 'created':
      return `${actor} created the group${b['name'] ? ` “${String(b['name'])}”` : ''}`;
    case 'members_added':
      return `${actor} added ${users}`;
    case 'member_removed':
      return `${actor} removed ${users}`;
    case 'member_left':
      return `${actor} left`;
    case 'renamed':
      return `${actor} renamed the group to “${String(b['name'] ?? '')}”`;
    case 'role_changed':
      return `${actor} made ${users} ${String(b['role'] ?? '')}`;
    default:
      return String(b['event'] ?? 'change');
  }
}

function Composer({ model, conversationId }: { model: AppModel; conversationId: string }) {
  const [text, setText] = useState('');
  const [emoji, setEmoji] = useState(false);
  const [location, setLocation] = useState<{ lat: string; lng: string; label: string } | null>(null);
  const lastTyping = useRef(0);
  const recorder = useRef<{ rec: MediaRecorder; started: number; chunks: Blob[] } | null>(null);
  const [recording, setRecording] = useState(false);
  const [recorded, setRecorded] = useState(0);
  useEffect(() => {
    if (!recording) return;
    const timer = setInterval(() => setRecorded(Math.floor((Date.now() - (recorder.current?.started ?? Date.now())) / 1000)), 250);
    return () => clearInterval(timer);
  }, [recording]);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => input.current?.focus(), [conversationId]);

  const send = async () => {
    const value = text;
    setText('');
    await model.sendText(conversationId, value);
  };
  const onInput = (value: string) => {
    setText(value);
    if (Date.now() - lastTyping.current > 2000) {
      lastTyping.current = Date.now();
      model.typing(conversationId);
    }
  };
  const pick = (e: Event, kind: 'image' | 'file') => {
    const el = e.currentTarget as HTMLInputElement;
    for (const f of Array.from(el.files ?? [])) void model.sendFile(conversationId, f, f.name);
    el.value = '';
    void kind;
  };
  const record = async () => {
    if (recorder.current) {
      recorder.current.rec.stop();
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const rec = new MediaRecorder(stream);
      const state = { rec, started: Date.now(), chunks: [] as Blob[] };
      rec.ondataavailable = (e) => e.data.size > 0 && state.chunks.push(e.data);
      rec.onstop = () => {
        for (const t of stream.getTracks()) t.stop();
        recorder.current = null;
        setRecording(false);
        const blob = new Blob(state.chunks, { type: rec.mimeType || 'audio/webm' });
        const ext = (rec.mimeType || 'audio/webm').includes('mp4') ? 'm4a' : 'weba';
        void model.sendFile(conversationId, blob, `voice-note.${ext}`, Date.now() - state.started);
      };
      rec.start(250);
      recorder.current = state;
      setRecorded(0);
      setRecording(true);
    } catch (e) {
      model.fail(e);
    }
  };
  const shareLocation = () => {
    setLocation({ lat: '', lng: '', label: '' });
    navigator.geolocation?.getCurrentPosition(
      (p) => setLocation((l) => ({ lat: String(p.coords.latitude), lng: String(p.coords.longitude), label: l?.label ?? '' })),
      () => undefined,
      { timeout: 5000 },
    );
  };
  return (
    <div class="composer">
      {emoji && (
        <div class="emoji-picker" role="group" aria-label="Emoji">
          {EMOJI.map((e) => (
            <button key={e} aria-label={`Insert ${e}`} onClick={() => { setText(text + e); input.current?.focus(); }}>{e}</button>
          ))}
        </div>
      )}
      {location && (
        <form
          class="location-form"
          aria-label="Share a location"
          onSubmit={(e) => {
            e.preventDefault();
            const lat = Number(location.lat);
            const lng = Number(location.lng);
            if (Number.isFinite(lat) && Number.isFinite(lng)) void model.sendLocation(conversationId, lat, lng, location.label.trim());
            setLocation(null);
          }}
        >
          <label>Latitude <input required inputMode="decimal" value={location.lat} onInput={(e) => setLocation({ ...location, lat: e.currentTarget.value })} /></label>
          <label>Longitude <input required inputMode="decimal" value={location.lng} onInput={(e) => setLocation({ ...location, lng: e.currentTarget.value })} /></label>
          <label>Label <input maxLength={256} value={location.label} onInput={(e) => setLocation({ ...location, label: e.currentTarget.value })} /></label>
          <button type="submit">Send location</button>
          <button type="button" onClick={() => setLocation(null)}>Cancel</button>
        </form>
      )}
      <form
        class="send"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <button type="button" aria-label="Emoji" aria-expanded={emoji} onClick={() => setEmoji(!emoji)}>😊</button>
        <label class="attach" title="Send an image">
          🖼<span class="sr-only">Send an image</span>
          <input type="file" accept="image/*" class="sr-only" onChange={(e) => pick(e, 'image')} />
        </label>
        <label class="attach" title="Send a file">
          📎<span class="sr-only">Send a file</span>
          <input type="file" class="sr-only" onChange={(e) => pick(e, 'file')} />
        </label>
        <button type="button" aria-label={recording ? 'Stop and send the voice note' : 'Record a voice note'} aria-pressed={recording} onClick={() => void record()}>
          {recording ? '⏹' : '🎤'}
        </button>
        {recording && <span class="recording" role="status">Recording… {recorded} s</span>}
        <button type="button" aria-label="Share a location" onClick={shareLocation}>📍</button>
        <label class="sr-only" for="message-input">Message</label>
        <textarea
          id="message-input"
          ref={input}
          rows={1}
          maxLength={4000}
          placeholder="Write a message"
          value={text}
          onInput={(e) => onInput(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <button type="submit">Send</button>
      </form>
    </div>
  );
}
