package com.parley.im.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Small files of known content for upload tests. */
public final class Samples {

  private Samples() {}

  /** A PNG of {@code width} x {@code height} with some noise (so that each seed differs). */
  public static byte[] png(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(40, 120, 200));
    g.fillRect(0, 0, width, height);
    g.dispose();
    Random random = new Random(seed);
    for (int i = 0; i < 50; i++) {
      image.setRGB(random.nextInt(width), random.nextInt(height), random.nextInt());
    }
    return write(image, "png");
  }

  public static byte[] jpeg(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    return write(image, "jpeg");
  }

  /**
   * A valid PNG whose header claims {@code width} x {@code height} while the file is tiny: its
   * pixels would decompress to gigabytes (a decompression bomb). Only the first rows are present.
   */
  public static byte[] bombPng(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width)
        .putInt(height)
        .put((byte) 8)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater deflater = new Deflater(9);
    deflater.setInput(new byte[(width + 1) * 64]);
    deflater.finish();
    byte[] compressed = new byte[64 * 1024];
    int n = deflater.deflate(compressed);
    byte[] idat = new byte[n];
    System.arraycopy(compressed, 0, idat, 0, n);
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(name);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A mono 8 kHz 16-bit WAV of {@code millis} ms. */
  public static byte[] wav(int millis) {
    AudioFormat format = new AudioFormat(8000f, 16, 1, true, false);
    int frames = 8 * millis;
    byte[] pcm = new byte[frames * 2];
    try (AudioInputStream in =
        new AudioInputStream(new java.io.ByteArrayInputStream(pcm), format, frames)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code size} seeded random bytes (a file of no particular type). */
  public static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  public static byte[] html() {
    return "<!DOCTYPE html><html><head><script>alert(document.cookie)</script></head><body>hi</body></html>"
        .getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] svgWithScript() {
    return "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] write(BufferedImage image, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      javax.imageio.ImageIO.write(image, format, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
