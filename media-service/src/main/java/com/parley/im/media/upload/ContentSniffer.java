package com.parley.im.media.upload;

import java.util.Set;
import org.apache.tika.Tika;
import org.apache.tika.mime.MimeTypes;
import org.springframework.stereotype.Component;

/**
 * The content type of an upload, from its first bytes (Apache Tika's magic numbers and XML root
 * sniffing). The client's file name may only make a type more specific (a ZIP named {@code .docx}
 * is a Word document); it never overrides the bytes, so HTML named {@code .png} stays {@code
 * text/html}. The client's {@code Content-Type} is not read at all.
 */
@Component
class ContentSniffer {

  /** Bytes Tika looks at: its longest magic offset. */
  static final int HEAD = MimeTypes.getDefaultMimeTypes().getMinLength();

  /** Raster images that are shown inline and have a width and height (SVG is a file). */
  private static final Set<String> IMAGES =
      Set.of(
          "image/png",
          "image/jpeg",
          "image/gif",
          "image/webp",
          "image/bmp",
          "image/tiff",
          "image/heic",
          "image/heif",
          "image/avif");

  private final Tika tika = new Tika();

  /** The detected type of content starting with {@code head}; {@code name} may be null. */
  String detect(byte[] head, String name) {
    return tika.detect(head, name);
  }

  /** Which limit applies: {@code image}, {@code voice}, {@code video} or {@code file}. */
  static String category(String contentType) {
    if (IMAGES.contains(contentType)) {
      return "image";
    }
    if (contentType.startsWith("audio/")) {
      return "voice";
    }
    if (contentType.startsWith("video/")) {
      return "video";
    }
    return "file";
  }
}
