package com.parley.im.media;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * media-service's settings ({@code im.media.*}).
 *
 * @param limits what an upload may be
 * @param storage where the bytes live
 * @param signing the signed download URLs
 * @param thumbnails the thumbnails of images
 */
@ConfigurationProperties("im.media")
@Validated
public record MediaProperties(
    @DefaultValue @Valid Limits limits,
    @DefaultValue @Valid Storage storage,
    @DefaultValue @Valid Signing signing,
    @DefaultValue @Valid Thumbnails thumbnails,
    @DefaultValue @Valid Tus tus) {

  /**
   * @param image largest image (by detected type)
   * @param voice largest audio file
   * @param video largest video
   * @param file largest anything else
   * @param maxPixels largest width x height of an image, read from its header before decoding
   * @param maxParts most parts of one multipart request
   * @param maxHeadersSize most bytes of the headers of one part
   * @param uploadsPerMinute uploads (multipart or tus creations) one user may start per minute
   */
  public record Limits(
      @DefaultValue("20MB") @NotNull DataSize image,
      @DefaultValue("10MB") @NotNull DataSize voice,
      @DefaultValue("200MB") @NotNull DataSize video,
      @DefaultValue("200MB") @NotNull DataSize file,
      @DefaultValue("50000000") @Min(1) long maxPixels,
      @DefaultValue("4") @Min(1) int maxParts,
      @DefaultValue("8KB") @NotNull DataSize maxHeadersSize,
      @DefaultValue("60") @Min(1) int uploadsPerMinute) {

    /** The largest upload of any type: the bound while the type is not known yet. */
    public long largest() {
      return Math.max(
          Math.max(image.toBytes(), voice.toBytes()), Math.max(video.toBytes(), file.toBytes()));
    }

    /** The limit of a category ({@code image}, {@code voice}, {@code video}, {@code file}). */
    public long of(String category) {
      return switch (category) {
        case "image" -> image.toBytes();
        case "voice" -> voice.toBytes();
        case "video" -> video.toBytes();
        default -> file.toBytes();
      };
    }
  }

  /**
   * @param type {@code local} (a folder) or {@code s3}
   * @param root the folder of the local store and of the staging area (uploads being received)
   * @param s3 the S3-compatible store, when {@code type} is {@code s3}
   */
  public record Storage(
      @DefaultValue("local") @NotNull String type, @NotNull Path root, @DefaultValue S3 s3) {

    /** Where uploads are written while they arrive; never served from. */
    public Path staging() {
      return root.resolve("staging");
    }
  }

  /**
   * @param bucket the bucket (must exist)
   * @param endpoint an S3-compatible endpoint; empty for AWS itself
   * @param region the region
   * @param pathStyle path-style addressing (most S3-compatible servers want it)
   */
  public record S3(
      @DefaultValue("parley-media") String bucket,
      @DefaultValue("") String endpoint,
      @DefaultValue("us-east-1") String region,
      @DefaultValue("true") boolean pathStyle) {}

  /**
   * @param keyFile a file with the HMAC key of signed URLs (base64, at least 32 bytes; {@code ./im
   *     up} generates one outside the repository); shared by every replica
   * @param key the same key inline (tests); when neither is set, a random key is made at start
   *     (URLs then stop working at restart and differ between replicas)
   * @param urlTtl how long a signed URL is valid
   */
  public record Signing(String keyFile, String key, @DefaultValue("1h") @NotNull Duration urlTtl) {}

  /**
   * @param maxSide the longer side of a thumbnail, in pixels
   */
  public record Thumbnails(@DefaultValue("320") @Min(16) int maxSide) {}

  /**
   * @param expireAfter how long an unfinished resumable upload is kept after its last change
   * @param sweepInterval how often expired uploads (and staged files left by crashes) are removed
   */
  public record Tus(
      @DefaultValue("24h") @NotNull Duration expireAfter,
      @DefaultValue("1m") @NotNull Duration sweepInterval) {}
}
