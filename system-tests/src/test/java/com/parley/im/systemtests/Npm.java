package com.parley.im.systemtests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the machine's npm in one of the repository's npm projects (the TypeScript SDK, the web app)
 * with {@code IM_BASE_URL} set to the running system, and hands back its exit code and output.
 */
final class Npm {

  record Result(int exitCode, String output) {}

  private Npm() {}

  static Result run(Path directory, List<String> command, long timeoutMinutes) throws Exception {
    Path log = Files.createTempFile("parley-npm-", ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().put("IM_BASE_URL", RunningSystem.baseUrl());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("npm is not on the PATH (Node.js 20+ is needed)", e);
      }
      if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return new Result(
            -1,
            String.join(" ", command)
                + " did not finish within "
                + timeoutMinutes
                + " minutes:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
