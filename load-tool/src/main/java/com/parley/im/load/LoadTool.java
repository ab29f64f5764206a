package com.parley.im.load;

import com.parley.im.load.chat.ChatBenchmark;
import com.parley.im.load.chat.ChatOptions;
import com.parley.im.load.chat.ReconnectBenchmark;
import com.parley.im.load.faults.FaultSuite;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Entry point: {@code java -jar load-tool/target/load-tool.jar COMMAND [--option value ...]}.
 *
 * <ul>
 *   <li>{@code idle}: opens many idle WebSockets through the gateway and prints the gateway's
 *       memory per socket.
 *   <li>{@code chat}: users talk in pairs and groups over their sockets; prints sent, acked,
 *       delivered, lost, duplicated and out-of-order counts, throughput and latency percentiles.
 *       Exits with 1 when a message was lost, duplicated or out of order.
 *   <li>{@code faults}: the fault suite (kill -9 of each service, RabbitMQ and PostgreSQL restarts,
 *       a Redis flush under load); prints lost / duplicated / out-of-order per fault.
 * </ul>
 *
 * See {@code load-tool/README.md}.
 */
public final class LoadTool {

  /** Options that take no value. */
  private static final Set<String> FLAGS = Set.of("closed-loop", "no-pairs");

  private LoadTool() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      System.out.println(
          """
          usage: java -jar load-tool/target/load-tool.jar idle [options]
            --base URL          gateway address (default http://localhost:8080)
            --sockets N         idle sockets to open (default 2000)
            --gateway-pid PID   gateway process (default: read from .im/pids/gateway-service.pid)
            --hold SECONDS      keep them open (heartbeating) this long before measuring (default 10)
          """
              + ChatOptions.USAGE
              + ReconnectBenchmark.USAGE);
      return;
    }
    Map<String, String> options = options(args);
    switch (args[0]) {
      case "idle" -> new IdleSocketBenchmark(options).run();
      case "chat" -> System.exit(new ChatBenchmark(ChatOptions.from(options), System.out).run());
      case "reconnect" -> System.exit(new ReconnectBenchmark(options, System.out).run());
      case "faults" -> System.exit(new FaultSuite(options, System.out).run());
      default -> throw new IllegalArgumentException("unknown command: " + args[0]);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--") && FLAGS.contains(args[i].substring(2))) {
        options.put(args[i].substring(2), "true");
        continue;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }
}
