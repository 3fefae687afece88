#!/usr/bin/env bash
# Builds and runs the consumer project against the installed jdnn artifacts, as a named module on the module path.
# The dnnl jar holds native libraries only, so it goes on the class path, where jdnn finds them as resources.
set -euo pipefail
cd "$(dirname "$0")"
source ../../ci/jdk25.sh
mvn -B -ntp -q package dependency:copy-dependencies -DoutputDirectory=target/lib "$@"
modules=target/jdnn-consumer-1.0.jar
natives=
for jar in target/lib/*.jar; do
  case $(basename "$jar") in
    dnnl-*) natives=$jar ;;
    *) modules=$modules:$jar ;;
  esac
done
# Native access goes to jdnn's own modules only: the core (loading, memory) and the generated bindings (downcalls).
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
java --enable-native-access=org.jdnn.core,org.jdnn.bindings -p "$modules" -cp "$natives" \
    -m org.example.consumer/org.example.consumer.Main 2>&1 | tee "$log" || status=$?
if grep -q "restricted method" "$log"; then
  echo "consumer: the JVM warned about native access (see above)" >&2
  exit 1
fi
exit "$status"
