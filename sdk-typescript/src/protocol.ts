/**
 * The wire types of the Parley client protocol (docs/protocol.md): REST bodies, the message
 * object and every WebSocket frame. Defined once here; the rest of the SDK uses only these.
 * Fields the server may add later are ignored, so every type is open to extra members.
 */

/** Kinds a client may send; `system` and `recall` are written by the server. */
export type ClientKind = 'text' | 'emoji' | 'image' | 'voice' | 'video' | 'file' | 'location' | 'custom';

/** Every kind a message can have. */
export type MessageKind = ClientKind | 'system' | 'recall';

/** A JSON object body; its shape depends on the kind (docs/protocol.md, "Kinds"). */
export type Body = Record<string, unknown>;

/** The message object of REST answers and `message` frames. */
export interface Message {
  messageId: string;
  conversationId: string;
  seq: number;
  senderId: string;
  senderDeviceId: string;
  clientMsgId: string;
  kind: MessageKind;
  /** Null (or absent in frames) once the message was recalled. */
  body?: Body | null;
  createdAt: string;
  recalledAt?: string | null;
}

/** A problem details answer (RFC 9457) with the stable `code`. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
  errors?: Record<string, string>;
  retryAfterMs?: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
  userId: string;
  deviceId: string;
}

export interface ConversationEntry {
  id: string;
  type: 'direct' | 'group';
  name: string | null;
  peerId?: string;
  memberCount: number;
  lastSeq: number;
  readSeq: number;
  unread: number;
  lastMessage: Message | null;
  updatedAt: string;
  muted: boolean;
  /** Only in a sync: the caller is no longer a member. */
  removed?: boolean;
}

export interface ConversationPage {
  conversations: ConversationEntry[];
  syncToken: string;
}

export interface Friend {
  userId: string;
  displayName: string;
  since: string;
  conversationId: string;
}

export interface PresenceEntry {
  userId: string;
  online: boolean;
  lastSeenAt: string | null;
}

export interface UnreadSummary {
  total: number;
  conversations: { conversationId: string; unread: number; readSeq: number; lastSeq: number }[];
}

// ---- client -> server frames ----

export interface PingFrame { type: 'ping'; id?: string }
export interface SendFrame { type: 'send'; id: string; conversationId: string; kind: ClientKind; body: Body }
export interface RecvFrame { type: 'recv'; conversationId: string; seq: number }
export interface ReadFrame { type: 'read'; conversationId: string; seq: number }
export interface TypingFrame { type: 'typing'; conversationId: string }
export interface SignalFrame { type: 'signal'; id?: string; toUserId: string; callId: string; payload: Body }

export type ClientFrame = PingFrame | SendFrame | RecvFrame | ReadFrame | TypingFrame | SignalFrame;

// ---- server -> client frames ----

export interface WelcomeFrame {
  type: 'welcome';
  userId: string;
  deviceId: string;
  sessionId: string;
  heartbeatIntervalMs: number;
  serverTime: string;
}
export interface PongFrame { type: 'pong'; id?: string; serverTime: string }
export interface AckFrame {
  type: 'ack';
  id: string;
  messageId: string;
  conversationId: string;
  seq: number;
  createdAt: string;
}
export interface ErrorFrame { type: 'error'; id?: string; code: string; message: string; retryAfterMs?: number }
export interface MessageFrame extends Message { type: 'message' }
export interface ReceiptFrame {
  type: 'receipt';
  conversationId: string;
  userId: string;
  deliveredSeq?: number;
  readSeq?: number;
}
export interface UnreadFrame { type: 'unread'; conversationId: string; unread: number; total: number }
export interface PresenceFrame { type: 'presence'; userId: string; online: boolean; lastSeenAt: string | null }
export interface FriendRequestFrame {
  type: 'friend_request';
  request: {
    id: string;
    fromUserId: string;
    fromDisplayName: string;
    toUserId: string;
    message: string | null;
    status: string;
    createdAt: string;
  };
}
export interface FriendAcceptedFrame {
  type: 'friend_accepted';
  requestId: string;
  user: { userId: string; displayName: string };
  since: string;
}
export interface FriendRemovedFrame { type: 'friend_removed'; userId: string }
export interface ConversationFrame {
  type: 'conversation';
  conversationId: string;
  conversationType: 'direct' | 'group';
  change: string;
  name?: string | null;
  memberCount?: number;
  seq?: number;
  removed?: boolean;
}
export interface TypingPushFrame { type: 'typing'; conversationId: string; fromUserId: string }
export interface SignalPushFrame { type: 'signal'; fromUserId: string; callId: string; payload: Body }

export type ServerFrame =
  | WelcomeFrame
  | PongFrame
  | AckFrame
  | ErrorFrame
  | MessageFrame
  | ReceiptFrame
  | UnreadFrame
  | PresenceFrame
  | FriendRequestFrame
  | FriendAcceptedFrame
  | FriendRemovedFrame
  | ConversationFrame
  | TypingPushFrame
  | SignalPushFrame;

/** Server frames by their `type`. */
export type ServerFrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** Every server frame type, for exhaustive handling. */
export const SERVER_FRAME_TYPES = [
  'welcome',
  'pong',
  'ack',
  'error',
  'message',
  'receipt',
  'unread',
  'presence',
  'friend_request',
  'friend_accepted',
  'friend_removed',
  'conversation',
  'typing',
  'signal',
] as const satisfies readonly ServerFrame['type'][];

/** Close codes of the socket (docs/protocol.md, "Close codes"). */
export const CloseCodes = {
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  HEARTBEAT_TIMEOUT: 4000,
  SESSION_REVOKED: 4001,
} as const;

/**
 * Refusals of a send after which resending the same message can succeed. Every other code is
 * final for that message.
 */
export const RETRYABLE_SEND_CODES: ReadonlySet<string> = new Set([
  'rate_limited',
  'service_unavailable',
  'internal_error',
]);
