import { useEffect, useRef } from 'preact/hooks';
import type { AppModel } from '../model.js';

const STATE_TEXT: Record<string, string> = {
  calling: 'Calling…',
  ringing: 'Incoming call',
  connecting: 'Connecting…',
  connected: 'Connected',
  ended: 'Call ended',
};

function Video({ stream, muted, label }: { stream: MediaStream | null; muted: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} aria-label={label} />;
}

/** The call overlay: ringing with accept and decline, then both videos and hang up. */
export function CallPanel({ model }: { model: AppModel }) {
  const call = model.calls.current;
  if (!call) return null;
  return (
    <section class="call" role="dialog" aria-label={`Call with ${model.name(call.peerId)}`}>
      <h2>{model.name(call.peerId)}</h2>
      <p role="status" data-testid="call-state" data-state={call.state}>
        {STATE_TEXT[call.state] ?? call.state}{call.reason ? `: ${call.reason}` : ''}
      </p>
      <div class="videos">
        <Video stream={call.remote} muted={false} label="Their video" />
        <Video stream={call.local} muted label="Your video" />
      </div>
      {call.state === 'ringing' && (
        <>
          <button class="accept" onClick={() => void model.calls.accept()}>Accept call</button>
          <button class="danger" onClick={() => model.calls.hangUp()}>Decline</button>
        </>
      )}
      {call.state !== 'ringing' && call.state !== 'ended' && <button class="danger" onClick={() => model.calls.hangUp()}>Hang up</button>}
      {call.state === 'ended' && <button onClick={() => model.calls.dismiss()}>Close</button>}
    </section>
  );
}
