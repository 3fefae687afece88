# Sourced by the other ci/ scripts: points JAVA_HOME at a JDK 25 without any hand-made setup.
# Order: $JDNN_JAVA_HOME, $JAVA_HOME when it already is 25 or newer, then the JDKs under /usr/lib/jvm.
# The JDK's release file answers without starting a JVM (a start costs a few hundred ms on a busy machine).
jdnn_java_version() {
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  if [ -n "$v" ]; then echo "$v"; return; fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}
jdnn_pick_jdk() {
  local candidate version
  for candidate in "${JDNN_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$(jdnn_java_version "$candidate")
    if [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(jdnn_pick_jdk); then
  echo "jdnn: no JDK 25 found (looked at \$JDNN_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm/*). Install one or set JDNN_JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"  # quiets Maven 3.8 own warnings on JDK 25
