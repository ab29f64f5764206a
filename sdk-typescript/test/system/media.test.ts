/**
 * Resumable uploads against the real system (`./im up`), with the reference tus client
 * (tus-js-client) through the gateway: 6 MiB in 2 MiB chunks, interrupted after the first chunk,
 * resumed from the offset the server reports, and the exact bytes downloaded afterwards; another
 * user cannot see, continue or delete the upload (docs/protocol.md, Media).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import * as tus from 'tus-js-client';
import { baseUrl, registerUser, type TestUser } from './system.js';

const MiB = 1024 * 1024;

async function accessToken(user: TestUser): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password, deviceId: `tus-${Date.now()}` }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { accessToken: string }).accessToken;
}

interface Started {
  uploadUrl: string;
  offsetAfterFirstChunk: number;
}

/** Starts a tus upload of `bytes` and aborts it (as a lost network would) after the first chunk. */
function uploadFirstChunkThenStop(bytes: Buffer, token: string, chunkSize: number): Promise<Started> {
  return new Promise((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(bytes, {
      endpoint: `${baseUrl}/api/media/uploads`,
      headers: { Authorization: `Bearer ${token}` },
      chunkSize,
      retryDelays: [],
      metadata: { filename: 'big.bin', filetype: 'application/octet-stream' },
      onChunkComplete: (_chunk, accepted) => {
        void upload.abort(false).then(() => resolve({ uploadUrl: upload.url!, offsetAfterFirstChunk: accepted }), reject);
      },
      onError: reject,
    });
    upload.start();
  });
}

/** Resumes the upload at `uploadUrl`; answers the offset of its first PATCH (tus-js-client takes it from the server's HEAD). */
function resume(bytes: Buffer, token: string, uploadUrl: string, chunkSize: number): Promise<{ resumedFrom: number }> {
  return new Promise((resolve, reject) => {
    let resumedFrom = -1;
    const upload = new tus.Upload(bytes, {
      endpoint: `${baseUrl}/api/media/uploads`,
      uploadUrl,
      headers: { Authorization: `Bearer ${token}` },
      chunkSize,
      retryDelays: [],
      onBeforeRequest: (req) => {
        if (resumedFrom < 0 && req.getMethod() === 'PATCH') {
          resumedFrom = Number(req.getHeader('Upload-Offset'));
        }
      },
      onSuccess: () => resolve({ resumedFrom }),
      onError: reject,
    });
    upload.start();
  });
}

describe(`tus uploads against ${baseUrl}`, () => {
  let owner: string;
  let other: string;

  before(async () => {
    owner = await accessToken(await registerUser('tus_owner'));
    other = await accessToken(await registerUser('tus_other'));
  });

  test('6 MiB interrupted after the first chunk resumes from the server offset and downloads exactly', { timeout: 120_000 }, async () => {
    const bytes = randomBytes(6 * MiB);
    const chunk = 2 * MiB;
    const started = await uploadFirstChunkThenStop(bytes, owner, chunk);
    assert.equal(started.offsetAfterFirstChunk, chunk);

    const head = await fetch(started.uploadUrl, { method: 'HEAD', headers: { Authorization: `Bearer ${owner}`, 'Tus-Resumable': '1.0.0' } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('Upload-Offset'), String(chunk), 'the server kept the first chunk');
    assert.equal(head.headers.get('Upload-Length'), String(bytes.length));

    // Another user cannot see, continue or delete it.
    const asOther = { Authorization: `Bearer ${other}`, 'Tus-Resumable': '1.0.0' };
    assert.equal((await fetch(started.uploadUrl, { method: 'HEAD', headers: asOther })).status, 404);
    const patch = await fetch(started.uploadUrl, {
      method: 'PATCH',
      headers: { ...asOther, 'Upload-Offset': String(chunk), 'Content-Type': 'application/offset+octet-stream' },
      body: new Uint8Array(bytes.subarray(chunk, chunk + 1024)),
    });
    assert.equal(patch.status, 404);
    assert.equal((await fetch(started.uploadUrl, { method: 'DELETE', headers: asOther })).status, 404);

    const { resumedFrom } = await resume(bytes, owner, started.uploadUrl, chunk);
    assert.equal(resumedFrom, chunk, 'resumed from the offset the server reported, not from 0');

    const mediaId = new URL(started.uploadUrl).pathname.split('/').at(-1)!;
    const info = await fetch(`${baseUrl}/api/media/${mediaId}/info`, { headers: { Authorization: `Bearer ${owner}` } });
    assert.equal(info.status, 200, await info.clone().text());
    const media = (await info.json()) as { size: number; sha256: string };
    assert.equal(media.size, bytes.length);
    assert.equal(media.sha256, createHash('sha256').update(bytes).digest('hex'));

    const download = await fetch(`${baseUrl}/api/media/${mediaId}`, { headers: { Authorization: `Bearer ${owner}` } });
    assert.equal(download.status, 200);
    const back = Buffer.from(await download.arrayBuffer());
    assert.equal(back.length, bytes.length);
    assert.ok(back.equals(bytes), 'the exact bytes come back');
    assert.equal((await fetch(`${baseUrl}/api/media/${mediaId}`, { headers: { Authorization: `Bearer ${other}` } })).status, 404);
  });
});
