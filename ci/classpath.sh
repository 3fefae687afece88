# Sourced by ci/jdnn.sh and ci/demo.sh: `jdnn_exec MainClass args...` runs a program of the cli module with JDK 25 on
# the module path, as an application using jdnn would, building first only when the build is missing or out of date.
# Out of date means a file under src/ or bindings/src/ (tests aside) or a pom.xml is newer than the last build's stamp;
# then Maven packages the cli module and the modules it needs (tests skipped) and writes their runtime jars to
# target/jdnn-launch/classpath.txt. Otherwise no Maven runs, so an error in the options shows in well under a second.
# JDNN_REBUILD=1 forces a build.
jdnn_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$jdnn_root/ci/jdk25.sh"

jdnn_stale() {
  local launch=$jdnn_root/target/jdnn-launch
  [ "${JDNN_REBUILD:-0}" = 1 ] || [ ! -f "$launch/stamp" ] || [ ! -f "$launch/classpath.txt" ] \
    || ! ls "$jdnn_root"/src/cli/target/jdnn-cli-*[0-9T].jar >/dev/null 2>&1 \
    || [ -n "$(cd "$jdnn_root" && find pom.xml bindings/pom.xml bindings/src src -name test -prune -o -name target -prune \
          -o -newer "$launch/stamp" -print -quit 2>/dev/null)" ]
}

jdnn_build() {
  local launch=$jdnn_root/target/jdnn-launch log
  mkdir -p "$launch"
  touch "$launch/stamp.next"  # taken before the build: a source saved during the build still counts as newer
  log=$(mktemp)
  echo "jdnn: building (sources changed since the last build)..." >&2
  # The build's output is shown only if it fails (Maven 3.8 prints stray terminal codes even when quiet).
  # The cli module and the modules it needs, packaged (the class path names their jars); each module writes the
  # file in turn and the cli's, the last, stays.
  if ! (cd "$jdnn_root" && mvn -B -ntp -q -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip package -pl src/cli -am \
        dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$launch/classpath.txt") >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log" "$launch/stamp.next"; return 1
  fi
  rm -f "$log"
  mv "$launch/stamp.next" "$launch/stamp"
}

jdnn_exec() {
  local main=$1; shift
  # Ranks that mpirun starts together (train --distributed) check and build one at a time: the first builds, the
  # others then find the build fresh.
  mkdir -p "$jdnn_root/target"
  if command -v flock >/dev/null 2>&1; then exec 9>"$jdnn_root/target/.build.lock"; flock 9; fi
  if jdnn_stale; then
    jdnn_build || exit 1
  fi
  if command -v flock >/dev/null 2>&1; then flock -u 9; exec 9>&-; fi
  # Every jar is a module except oneDNN's, which holds native libraries only and goes on the class path; native access
  # goes to jdnn's own modules alone.
  local modules natives= jar
  modules=$(ls "$jdnn_root"/src/cli/target/jdnn-cli-*[0-9T].jar | head -1)
  IFS=: read -ra jars < "$jdnn_root/target/jdnn-launch/classpath.txt" || true  # no final newline: read says 1
  for jar in "${jars[@]}"; do
    case $(basename "$jar") in
      dnnl-*) natives=$natives${natives:+:}$jar ;;
      *) modules=$modules:$jar ;;
    esac
  done
  exec java --enable-native-access=org.jdnn.core,org.jdnn.bindings,org.jdnn.cuda -p "$modules" -cp "$natives" \
    -m "org.jdnn.cli/$main" "$@"
}
