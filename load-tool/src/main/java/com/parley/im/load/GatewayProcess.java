package com.parley.im.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the gateway JVM's memory from the operating system and from {@code jcmd}. */
final class GatewayProcess {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private final long pid;

  GatewayProcess(long pid) {
    this.pid = pid;
  }

  static GatewayProcess fromOptionOrPidFile(String option) throws IOException {
    if (option != null) {
      return new GatewayProcess(Long.parseLong(option));
    }
    Path pidFile = Path.of(".im/pids/gateway-service.pid");
    if (!Files.exists(pidFile)) {
      throw new IllegalStateException(
          "no --gateway-pid and no " + pidFile.toAbsolutePath() + " (start it with ./im up)");
    }
    return new GatewayProcess(Long.parseLong(Files.readString(pidFile).trim()));
  }

  long pid() {
    return pid;
  }

  /** Resident set size in bytes. */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  /** Runs a full GC and returns the heap in use afterwards, in bytes. */
  long heapUsedAfterGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    long usedKiB = 0;
    for (String line : info.split("\n")) {
      // Generations and spaces both report "used"; count the generation lines only.
      if (line.contains("generation") || line.contains("garbage-first heap")) {
        Matcher m = USED.matcher(line);
        if (m.find()) {
          usedKiB += Long.parseLong(m.group(1));
        }
      }
    }
    return usedKiB * 1024;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
    }
    return out;
  }
}
