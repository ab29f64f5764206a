import type { HttpClient } from './http.js';
import type {
  Body,
  ClientKind,
  ConversationEntry,
  ConversationPage,
  Friend,
  Message,
  PresenceEntry,
  TokenPair,
  UnreadSummary,
} from './protocol.js';

export interface PublicProfile {
  id: string;
  username: string;
  displayName: string;
  avatarMediaId: string | null;
  bio: string | null;
}
export interface MyProfile extends PublicProfile {
  createdAt: string;
}
export interface FriendRequest {
  id: string;
  fromUserId: string;
  toUserId: string;
  message: string | null;
  status: 'pending' | 'accepted' | 'rejected' | 'cancelled';
  createdAt: string;
}
export interface Group {
  id: string;
  name: string;
  ownerId: string | null;
  memberCount: number;
  members: { userId: string; role: 'owner' | 'admin' | 'member'; joinedAt: string }[];
}
export interface BlockedUser {
  userId: string;
  displayName: string;
  blockedAt: string;
}

const enc = encodeURIComponent;

/**
 * Every REST endpoint of docs/protocol.md, typed. Errors are thrown as `ParleyError` with the
 * server's `code`. The client's delivery machinery uses the same calls; apps use this for the
 * rest (profiles, friends, groups, recall, ...).
 */
export class Api {
  constructor(private readonly http: HttpClient) {}

  // accounts and sessions
  register(username: string, password: string, displayName: string) {
    return this.http.request<{ id: string; username: string; displayName: string; createdAt: string }>(
      'POST', '/api/users', { username, password, displayName }, { auth: false });
  }
  login(username: string, password: string, deviceId: string) {
    return this.http.request<TokenPair>('POST', '/api/auth/login', { username, password, deviceId }, { auth: false });
  }
  refresh(refreshToken: string) {
    return this.http.request<TokenPair>('POST', '/api/auth/refresh', { refreshToken }, { auth: false });
  }
  logout() {
    return this.http.request<void>('POST', '/api/auth/logout');
  }
  wsTicket() {
    return this.http.request<{ ticket: string; expiresIn: number }>('POST', '/api/auth/ws-ticket');
  }
  me() {
    return this.http.request<MyProfile>('GET', '/api/users/me');
  }
  updateMe(changes: { displayName?: string; avatarMediaId?: string; bio?: string }) {
    return this.http.request<MyProfile>('PATCH', '/api/users/me', changes);
  }
  user(id: string) {
    return this.http.request<PublicProfile>('GET', `/api/users/${enc(id)}`);
  }
  search(q: string, limit?: number, cursor?: string) {
    const query = new URLSearchParams({ q });
    if (limit !== undefined) query.set('limit', String(limit));
    if (cursor) query.set('cursor', cursor);
    return this.http.request<{ users: PublicProfile[]; nextCursor: string | null }>('GET', `/api/users/search?${query}`);
  }
  discover(limit?: number) {
    return this.http.request<{ users: PublicProfile[] }>('GET', `/api/users/discover${limit ? `?limit=${limit}` : ''}`);
  }

  // friends and blocks
  sendFriendRequest(toUserId: string, message?: string) {
    return this.http.request<FriendRequest>('POST', '/api/friend-requests', message === undefined ? { toUserId } : { toUserId, message });
  }
  friendRequests(direction: 'incoming' | 'outgoing' = 'incoming') {
    return this.http.request<FriendRequest[]>('GET', `/api/friend-requests?direction=${direction}&status=pending`);
  }
  acceptFriendRequest(id: string) {
    return this.http.request<FriendRequest>('POST', `/api/friend-requests/${enc(id)}/accept`);
  }
  rejectFriendRequest(id: string) {
    return this.http.request<FriendRequest>('POST', `/api/friend-requests/${enc(id)}/reject`);
  }
  cancelFriendRequest(id: string) {
    return this.http.request<void>('DELETE', `/api/friend-requests/${enc(id)}`);
  }
  friends() {
    return this.http.request<Friend[]>('GET', '/api/friends');
  }
  unfriend(userId: string) {
    return this.http.request<void>('DELETE', `/api/friends/${enc(userId)}`);
  }
  block(userId: string) {
    return this.http.request<void>('PUT', `/api/blocks/${enc(userId)}`);
  }
  unblock(userId: string) {
    return this.http.request<void>('DELETE', `/api/blocks/${enc(userId)}`);
  }
  blocks() {
    return this.http.request<BlockedUser[]>('GET', '/api/blocks');
  }

  // conversations and groups
  conversations(since?: string) {
    return this.http.request<ConversationPage>('GET', `/api/conversations${since ? `?since=${enc(since)}` : ''}`);
  }
  openDirect(peerId: string) {
    return this.http.request<ConversationEntry>('POST', '/api/conversations/direct', { peerId });
  }
  createGroup(name: string, memberIds: string[]) {
    return this.http.request<Group>('POST', '/api/groups', { name, memberIds });
  }
  group(id: string) {
    return this.http.request<Group>('GET', `/api/groups/${enc(id)}`);
  }
  renameGroup(id: string, name: string) {
    return this.http.request<Group>('PATCH', `/api/groups/${enc(id)}`, { name });
  }
  addMembers(id: string, userIds: string[]) {
    return this.http.request<Group>('POST', `/api/groups/${enc(id)}/members`, { userIds });
  }
  /** Removes a member, or leaves the group when `userId` is the caller. */
  removeMember(id: string, userId: string) {
    return this.http.request<void>('DELETE', `/api/groups/${enc(id)}/members/${enc(userId)}`);
  }
  setRole(id: string, userId: string, role: 'admin' | 'member') {
    return this.http.request<Group>('PUT', `/api/groups/${enc(id)}/members/${enc(userId)}/role`, { role });
  }

  // messages
  /** The REST send; status 201 for a first store, 200 for a resend answered with the first message. */
  sendMessage(conversationId: string, clientMsgId: string, kind: ClientKind, body: Body) {
    return this.http.requestWithStatus<Message>('POST', `/api/conversations/${enc(conversationId)}/messages`, { clientMsgId, kind, body });
  }
  history(conversationId: string, range: { afterSeq?: number; beforeSeq?: number; limit?: number } = {}) {
    const query = new URLSearchParams();
    if (range.afterSeq !== undefined) query.set('afterSeq', String(range.afterSeq));
    if (range.beforeSeq !== undefined) query.set('beforeSeq', String(range.beforeSeq));
    if (range.limit !== undefined) query.set('limit', String(range.limit));
    const q = query.toString();
    return this.http.request<{ messages: Message[] }>('GET', `/api/conversations/${enc(conversationId)}/messages${q ? `?${q}` : ''}`);
  }
  read(conversationId: string, seq: number) {
    return this.http.request<{ conversationId: string; readSeq: number }>('POST', `/api/conversations/${enc(conversationId)}/read`, { seq });
  }
  recall(messageId: string) {
    return this.http.request<Message>('POST', `/api/messages/${enc(messageId)}/recall`);
  }

  // unread (being built server-side), presence
  unread() {
    return this.http.request<UnreadSummary>('GET', '/api/unread');
  }
  mute(conversationId: string) {
    return this.http.request<void>('PUT', `/api/conversations/${enc(conversationId)}/mute`);
  }
  unmute(conversationId: string) {
    return this.http.request<void>('DELETE', `/api/conversations/${enc(conversationId)}/mute`);
  }
  presence(userIds: string[]) {
    return this.http.request<PresenceEntry[]>('GET', `/api/presence?userIds=${userIds.map(enc).join(',')}`);
  }
}
