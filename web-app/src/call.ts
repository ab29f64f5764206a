import type { Body, ParleyClient } from './sdk.js';

export type CallState = 'idle' | 'calling' | 'ringing' | 'connecting' | 'connected' | 'ended';

export interface CallView {
  state: CallState;
  peerId: string;
  callId: string;
  video: boolean;
  local: MediaStream | null;
  remote: MediaStream | null;
  reason?: string;
}

/** ICE servers from `localStorage['parley.iceServers']` (JSON); none by default (two tabs need none). */
function iceServers(): RTCIceServer[] {
  try {
    const list = JSON.parse(localStorage.getItem('parley.iceServers') ?? '[]');
    return Array.isArray(list) ? (list as RTCIceServer[]) : [];
  } catch {
    return [];
  }
}

/**
 * A one-to-one WebRTC call signalled with `signal` frames (docs/protocol.md): payloads
 * `{type: "offer" | "answer", sdp}`, `{type: "candidate", candidate}`, `{type: "hangup"}` and
 * `{type: "busy"}`, all under one `callId`. Signals are relayed best effort to the peer's online
 * devices; a call whose signals are lost does not connect and is hung up by the user. One call at
 * a time; an offer during a call is answered `busy`.
 */
export class CallManager {
  current: CallView | null = null;
  private pc: RTCPeerConnection | null = null;
  private pendingOffer: RTCSessionDescriptionInit | null = null;
  private early: RTCIceCandidateInit[] = [];

  constructor(
    private readonly client: ParleyClient,
    private readonly changed: () => void,
  ) {
    client.frames.on('signal', (f) => void this.onSignal(f.fromUserId, f.callId, f.payload));
  }

  async start(peerId: string, video = true): Promise<void> {
    if (this.current && this.current.state !== 'ended') return;
    const callId = `call-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.current = { state: 'calling', peerId, callId, video, local: null, remote: null };
    this.changed();
    try {
      const pc = this.peer(peerId, callId);
      await this.addLocal(pc, video);
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      this.send({ type: 'offer', sdp: offer.sdp ?? '', video });
    } catch (e) {
      this.end(`Could not start the call: ${String(e)}`);
    }
  }

  async accept(): Promise<void> {
    const call = this.current;
    if (!call || call.state !== 'ringing' || !this.pendingOffer) return;
    call.state = 'connecting';
    this.changed();
    try {
      const pc = this.peer(call.peerId, call.callId);
      await pc.setRemoteDescription(this.pendingOffer);
      await this.flushCandidates();
      await this.addLocal(pc, call.video);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      this.send({ type: 'answer', sdp: answer.sdp ?? '' });
    } catch (e) {
      this.end(`Could not answer: ${String(e)}`);
    }
  }

  hangUp(): void {
    if (!this.current || this.current.state === 'ended') return;
    this.send({ type: 'hangup' });
    this.end('Call ended');
  }

  dismiss(): void {
    if (this.current?.state === 'ended') {
      this.current = null;
      this.changed();
    }
  }

  private async onSignal(fromUserId: string, callId: string, payload: Body): Promise<void> {
    const type = payload['type'];
    const call = this.current;
    if (type === 'offer') {
      if (call && call.state !== 'ended') {
        if (call.callId !== callId) this.client.signal(fromUserId, callId, { type: 'busy' });
        return;
      }
      this.pendingOffer = { type: 'offer', sdp: String(payload['sdp'] ?? '') };
      this.early = [];
      this.current = { state: 'ringing', peerId: fromUserId, callId, video: payload['video'] !== false, local: null, remote: null };
      this.changed();
      return;
    }
    if (!call || call.callId !== callId || call.peerId !== fromUserId) return;
    if (type === 'answer' && this.pc) {
      call.state = 'connecting';
      await this.pc.setRemoteDescription({ type: 'answer', sdp: String(payload['sdp'] ?? '') });
      await this.flushCandidates();
      this.changed();
    } else if (type === 'candidate') {
      const candidate = payload['candidate'] as RTCIceCandidateInit;
      if (this.pc?.remoteDescription) await this.pc.addIceCandidate(candidate).catch(() => undefined);
      else this.early.push(candidate);
    } else if (type === 'hangup') {
      this.end('The other side hung up');
    } else if (type === 'busy') {
      this.end('Busy');
    }
  }

  private peer(peerId: string, callId: string): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: iceServers() });
    this.pc = pc;
    pc.onicecandidate = (e) => {
      if (e.candidate) this.client.signal(peerId, callId, { type: 'candidate', candidate: e.candidate.toJSON() as unknown as Body });
    };
    pc.ontrack = (e) => {
      if (!this.current) return;
      this.current.remote = e.streams[0] ?? new MediaStream([e.track]);
      this.changed();
    };
    pc.onconnectionstatechange = () => {
      if (!this.current || this.pc !== pc) return;
      if (pc.connectionState === 'connected') this.current.state = 'connected';
      else if (pc.connectionState === 'failed') return this.end('The connection failed');
      this.changed();
    };
    return pc;
  }

  private async addLocal(pc: RTCPeerConnection, video: boolean): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    if (this.current) this.current.local = stream;
    this.changed();
  }

  private async flushCandidates(): Promise<void> {
    const early = this.early;
    this.early = [];
    for (const c of early) await this.pc?.addIceCandidate(c).catch(() => undefined);
  }

  private send(payload: Body): void {
    if (this.current) this.client.signal(this.current.peerId, this.current.callId, payload);
  }

  private end(reason: string): void {
    for (const t of this.current?.local?.getTracks() ?? []) t.stop();
    this.pc?.close();
    this.pc = null;
    this.pendingOffer = null;
    if (this.current) {
      this.current.state = 'ended';
      this.current.reason = reason;
      this.current.local = null;
      this.current.remote = null;
    }
    this.changed();
  }
}
