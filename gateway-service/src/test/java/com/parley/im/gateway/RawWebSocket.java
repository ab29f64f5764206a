package com.parley.im.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client on a plain blocking socket, for tests that must control the bytes on the wire:
 * it can announce a frame and send only part of it. (A real client that sends a whole 2 MiB frame
 * the server refuses races the server's close: the server closes with unread bytes in its buffer,
 * the kernel answers with a reset, and the client may lose the close frame it was about to read.)
 */
public final class RawWebSocket implements AutoCloseable {

  /** A frame from the server: its opcode and payload. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame. */
    public int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  public static final int TEXT = 0x1;
  public static final int CLOSE = 0x8;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code /ws} with the bearer token and completes the upgrade (101). */
  public static RawWebSocket connect(int port, String bearer) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    RawWebSocket ws = new RawWebSocket(socket);
    String key = Base64.getEncoder().encodeToString("parley-raw-test!".getBytes());
    String request =
        "GET /ws HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + port
            + "\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\n"
            + "Authorization: Bearer "
            + bearer
            + "\r\n\r\n";
    ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    String head = ws.readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
    }
    return ws;
  }

  /**
   * Writes the header of a masked text frame announcing {@code length} payload bytes, then only the
   * first {@code sent} of them.
   */
  public void sendPartialText(long length, int sent) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | TEXT);
    frame.write(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame.write((int) (length >>> shift) & 0xff);
    }
    byte[] mask = {1, 2, 3, 4};
    frame.write(mask);
    for (int i = 0; i < sent; i++) {
      frame.write('x' ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Writes one masked text frame with exactly these payload bytes (UTF-8 or not). */
  public void sendText(byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | TEXT);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = {7, 1, 9, 3};
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** The next frame from the server (unmasked, unfragmented); fails after 10 s. */
  public Frame next() throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    return new Frame(first & 0x0f, payload);
  }

  /** The next frame of this opcode, skipping others. */
  public Frame next(int opcode) throws IOException {
    while (true) {
      Frame frame = next();
      if (frame.opcode() == opcode) {
        return frame;
      }
    }
  }

  private String readHead() throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the upgrade: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
