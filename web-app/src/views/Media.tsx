import { useEffect, useState } from 'preact/hooks';
import type { AppModel } from '../model.js';
import type { Body } from '../sdk.js';

/** One line describing a message, for the conversation list. */
export function preview(kind: string, body: Body | null | undefined, recalled: boolean): string {
  if (recalled) return 'Message recalled';
  const b = body ?? {};
  switch (kind) {
    case 'text':
      return String(b['text'] ?? '');
    case 'emoji':
      return String(b['emoji'] ?? '');
    case 'image':
      return '📷 Photo';
    case 'voice':
    case 'video':
      return `🎤 Voice note (${Math.round(Number(b['durationMs'] ?? 0) / 1000)} s)`;
    case 'file':
      return `📎 ${String(b['name'] ?? 'File')}`;
    case 'location':
      return `📍 ${String(b['label'] ?? 'Location')}`;
    case 'system':
      return `ℹ️ ${String(b['event'] ?? 'change').replace('_', ' ')}`;
    default:
      return kind;
  }
}

function useMediaUrl(model: AppModel, mediaId: string, thumbnail: boolean): string | null | 'error' {
  const [url, setUrl] = useState<string | null | 'error'>(null);
  useEffect(() => {
    let live = true;
    model.media.url(mediaId, thumbnail).then((u) => live && setUrl(u), () => live && setUrl('error'));
    return () => {
      live = false;
    };
  }, [mediaId, thumbnail]);
  return url;
}

/** A thumbnail that opens the full image. */
export function Image({ model, mediaId, width, height }: { model: AppModel; mediaId: string; width: number; height: number }) {
  const [full, setFull] = useState(false);
  const url = useMediaUrl(model, mediaId, !full);
  if (url === 'error') return <span class="media-error">Image unavailable</span>;
  const scale = Math.min(1, 240 / Math.max(width, height, 1));
  return (
    <button class="image" aria-label={full ? 'Show the thumbnail' : 'Show the full image'} onClick={() => setFull(!full)}>
      {url ? <img src={url} alt="Photo" width={full ? undefined : Math.round(width * scale)} height={full ? undefined : Math.round(height * scale)} data-testid="image" /> : <span class="loading">Loading image…</span>}
    </button>
  );
}

export function Voice({ model, mediaId, durationMs }: { model: AppModel; mediaId: string; durationMs: number }) {
  const url = useMediaUrl(model, mediaId, false);
  if (url === 'error') return <span class="media-error">Voice note unavailable</span>;
  return (
    <span class="voice">
      🎤 {Math.round(durationMs / 1000)} s {url && <audio controls src={url} aria-label="Voice note" data-testid="voice" />}
    </span>
  );
}

export function FileLink({ model, mediaId, name, size }: { model: AppModel; mediaId: string; name: string; size: number }) {
  const download = async () => {
    const url = await model.media.url(mediaId, false);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
  };
  return (
    <button class="file" data-testid="file" onClick={() => void download().catch((e) => model.fail(e))} aria-label={`Download ${name}`}>
      📎 {name} <small>({formatSize(size)})</small>
    </button>
  );
}

function formatSize(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}
