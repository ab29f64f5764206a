package com.parley.im.media.upload;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * What the bytes of a stored upload say about themselves: an image's width and height (from the
 * header, before any pixel is decoded), a thumbnail, and a duration where the container states one
 * (WAV/AIFF/AU headers; the {@code mvhd} box of MP4, MOV, M4A and 3GP). Blocking file work: call it
 * on the bounded-elastic scheduler.
 */
final class MediaProbe {

  /** Width and height from an image header. */
  record Size(int width, int height) {
    long pixels() {
      return (long) width * height;
    }
  }

  /** A thumbnail written to a file. */
  record Thumbnail(Path file, String contentType, long size) {}

  private MediaProbe() {}

  /** The header's width and height, or null when no image reader of the JDK knows the format. */
  static Size imageSize(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = readerFor(in);
      if (reader == null) {
        return null;
      }
      try {
        reader.setInput(in, true, true);
        return new Size(reader.getWidth(0), reader.getHeight(0));
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * A thumbnail of at most {@code maxSide} pixels on its longer side, decoded with subsampling so
   * that memory stays near the thumbnail's size (JPEG, or PNG when the image has transparency);
   * null when the image cannot be decoded.
   */
  static Thumbnail thumbnail(Path file, Size size, int maxSide, Path target) throws IOException {
    BufferedImage decoded;
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = readerFor(in);
      if (reader == null) {
        return null;
      }
      try {
        reader.setInput(in, true, true);
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, Math.max(size.width(), size.height()) / (maxSide * 2));
        param.setSourceSubsampling(step, step, 0, 0);
        decoded = reader.read(0, param);
      } catch (RuntimeException | IOException e) {
        return null; // a header that readers accept but pixels they cannot decode
      } finally {
        reader.dispose();
      }
    }
    double scale =
        Math.min(1.0, (double) maxSide / Math.max(decoded.getWidth(), decoded.getHeight()));
    int w = Math.max(1, (int) Math.round(decoded.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(decoded.getHeight() * scale));
    boolean alpha = decoded.getColorModel().hasAlpha();
    BufferedImage small =
        new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(decoded, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    String format = alpha ? "png" : "jpeg";
    try (OutputStream out = Files.newOutputStream(target)) {
      if (!ImageIO.write(small, format, out)) {
        return null;
      }
    }
    return new Thumbnail(target, "image/" + format, Files.size(target));
  }

  /** The duration the container states, in milliseconds, or null. */
  static Long durationMs(Path file, String contentType) {
    try {
      if (contentType.contains("wav")
          || contentType.contains("aiff")
          || contentType.equals("audio/basic")) {
        AudioFileFormat format = AudioSystem.getAudioFileFormat(file.toFile());
        float rate = format.getFormat().getFrameRate();
        long frames = format.getFrameLength();
        return rate > 0 && frames > 0 ? (long) (frames * 1000.0 / rate) : null;
      }
      if (contentType.endsWith("/mp4")
          || contentType.endsWith("/quicktime")
          || contentType.endsWith("/x-m4a")
          || contentType.contains("3gpp")) {
        return mp4Duration(file);
      }
    } catch (IOException | UnsupportedAudioFileException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** {@code moov/mvhd}'s duration / timescale, walking the top-level boxes only. */
  private static Long mp4Duration(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = channel.size();
      long moov = findBox(channel, 0, end, "moov");
      if (moov < 0) {
        return null;
      }
      long moovEnd = moov + boxSize(channel, moov);
      long mvhd = findBox(channel, moov + 8, moovEnd, "mvhd");
      if (mvhd < 0) {
        return null;
      }
      ByteBuffer b = ByteBuffer.allocate(32);
      channel.read(b, mvhd + 8);
      b.flip();
      int version = b.get() & 0xff;
      b.position(4);
      long timescale;
      long duration;
      if (version == 1) {
        b.position(4 + 16);
        timescale = b.getInt() & 0xffffffffL;
        duration = b.getLong();
      } else {
        b.position(4 + 8);
        timescale = b.getInt() & 0xffffffffL;
        duration = b.getInt() & 0xffffffffL;
      }
      return timescale > 0 && duration >= 0 ? duration * 1000 / timescale : null;
    }
  }

  private static long findBox(FileChannel channel, long from, long end, String type)
      throws IOException {
    long at = from;
    for (int boxes = 0; at + 8 <= end && boxes < 10_000; boxes++) {
      long size = boxSize(channel, at);
      ByteBuffer name = ByteBuffer.allocate(4);
      channel.read(name, at + 4);
      if (new String(name.array(), java.nio.charset.StandardCharsets.ISO_8859_1).equals(type)) {
        return at;
      }
      if (size < 8) {
        return -1;
      }
      at += size;
    }
    return -1;
  }

  private static long boxSize(FileChannel channel, long at) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16);
    channel.read(b, at);
    b.flip();
    if (b.remaining() < 8) {
      return -1;
    }
    long size = b.getInt() & 0xffffffffL;
    if (size == 1 && b.remaining() >= 12) {
      b.position(8);
      size = b.getLong();
    } else if (size == 0) {
      size = channel.size() - at;
    }
    return size;
  }

  private static ImageReader readerFor(ImageInputStream in) {
    if (in == null) {
      return null;
    }
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    return readers.hasNext() ? readers.next() : null;
  }
}
