import { ParleyError } from './sdk.js';

/** The answer of `POST /api/media` (docs/protocol.md, "Media"). */
export interface UploadAnswer {
  mediaId: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  durationMs?: number;
  name?: string;
  url?: string;
  thumbnailUrl?: string;
}

/**
 * Uploads one file with `XMLHttpRequest` (fetch has no upload progress), reporting the fraction
 * sent. Refusals become a {@link ParleyError} with the server's code (`too_large`, ...).
 */
export function upload(token: string, file: Blob, name: string, progress: (fraction: number) => void): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/media');
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) progress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText || '{}');
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        progress(1);
        resolve(body as unknown as UploadAnswer);
      } else {
        reject(new ParleyError(xhr.status, String(body['code'] ?? 'upload_failed'), String(body['detail'] ?? `HTTP ${xhr.status}`)));
      }
    };
    xhr.onerror = () => reject(new ParleyError(0, 'network_error', 'The upload was interrupted.'));
    const form = new FormData();
    form.append('file', file, name);
    xhr.send(form);
  });
}

/**
 * Downloads media into `blob:` URLs (the CSP allows `img-src blob:` and `media-src blob:`), with
 * the bearer token, once per item. Access to media sent to a conversation arrives at
 * media-service through the broker a moment after the message's ack, so a 404 is tried again a
 * few times before it counts.
 */
export class MediaCache {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly token: () => Promise<string>) {}

  url(mediaId: string, thumbnail = false): Promise<string> {
    const key = `${mediaId}${thumbnail ? '/thumbnail' : ''}`;
    let url = this.urls.get(key);
    if (!url) {
      url = this.fetchBlob(key);
      url.catch(() => this.urls.delete(key));
      this.urls.set(key, url);
    }
    return url;
  }

  /** Remembers a blob the app already has (the sender's own upload) under its media id. */
  put(mediaId: string, blob: Blob): void {
    this.urls.set(mediaId, Promise.resolve(URL.createObjectURL(blob)));
  }

  private async fetchBlob(path: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`/api/media/${path}`, { headers: { Authorization: `Bearer ${await this.token()}` } });
      if (response.ok) return URL.createObjectURL(await response.blob());
      if (response.status !== 404 || attempt >= 6) throw new ParleyError(response.status, 'media_unavailable', `HTTP ${response.status}`);
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}
