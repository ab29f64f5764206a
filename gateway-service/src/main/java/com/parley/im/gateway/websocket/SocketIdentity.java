package com.parley.im.gateway.websocket;

/** Who is on a socket, as the handshake proved it. */
record SocketIdentity(String userId, String deviceId, String sessionId) {}
