#!/usr/bin/env bash
# The fault suite in one command (issue 8, item 5): builds what is missing, starts the system with
# ./im up, and runs `load-tool faults` from the repository root: a mixed load through the Java SDK
# while each service is killed with kill -9 (and restarted), RabbitMQ and PostgreSQL are restarted
# and Redis is flushed. Prints lost / duplicated / out-of-order counts per fault; exit 1 if any.
# Options go to the tool: --users N (8), --rate MSG_PER_S (40), --phase-seconds S (8).
# Needs the rights to restart the servers (root on a build machine). Takes about 10 minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -f load-tool/target/load-tool.jar ]]; then
  ./mvnw -B -q package -DskipTests
fi
./im up
exec java -Xmx384m -XX:+UseSerialGC -jar load-tool/target/load-tool.jar faults "$@"
