package com.parley.im.gateway.web;

import com.parley.im.gateway.GatewayProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Which file of the built web app (web-app/dist, ADR 0026) answers a request: {@code GET} or {@code
 * HEAD} of a path outside {@code /api/**} and the socket path, {@code /} being {@code index.html}.
 * A path that leaves the folder (after normalisation), a hidden file, or a file that is not there
 * answers nothing, so the request goes on to the gateway's routes (and their 404). Without a
 * configured folder nothing is served.
 */
public final class WebApp {

  private static final Logger log = LoggerFactory.getLogger(WebApp.class);

  private final Path root;
  private final String socketPath;

  WebApp(GatewayProperties properties) {
    String configured = properties.web().root();
    this.root = configured.isBlank() ? null : Path.of(configured).toAbsolutePath().normalize();
    this.socketPath = properties.websocket().path();
    if (root != null) {
      if (Files.isRegularFile(root.resolve("index.html"))) {
        log.info("Serving the web app from {}", root);
      } else {
        log.warn("im.gateway.web.root={} has no index.html: the web app will answer 404", root);
      }
    }
  }

  /** True for a request this component may answer: a read outside the API and the socket. */
  public boolean mayServe(HttpMethod method, String path) {
    if (root == null || !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))) {
      return false;
    }
    return !(path.equals("/api") || path.startsWith("/api/") || path.equals(socketPath));
  }

  Optional<Resource> lookup(ServerRequest request) {
    String path = request.path();
    if (!mayServe(request.method(), path)) {
      return Optional.empty();
    }
    String relative = path.equals("/") ? "index.html" : path.substring(1);
    Path file = root.resolve(relative).normalize();
    if (!file.startsWith(root) || file.getFileName().toString().startsWith(".")) {
      return Optional.empty();
    }
    return Files.isRegularFile(file) ? Optional.of(new FileSystemResource(file)) : Optional.empty();
  }
}
