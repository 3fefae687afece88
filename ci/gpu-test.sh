#!/usr/bin/env bash
# GPU test run for machines without Maven, a JDK or a network.
#
#   ci/gpu-test.sh pack [DIR]           on the build machine: builds DIR (default target/gpu-bundle): a jlink-ed
#                                       JDK 25 runtime (jdk.tar.xz), the compiled classes and test classes, the JUnit
#                                       console launcher and native/cuda-constants.c; fails if DIR exceeds 64 MiB
#   ci/gpu-test.sh run [DIR] [--strict] on the GPU machine: unpacks the runtime (once) and runs every test tagged
#                                       "gpu" and the op matrix for cuda (tag "matrix") with the console launcher;
#                                       --strict also fails when a test was skipped
#                                       (e.g. CUDA not found), which is what a GPU verification run wants
#   ci/gpu-test.sh dry-run              pack, then run from the bundle with a bare environment (no JAVA_HOME, no
#                                       Maven on PATH), as on the GPU machine; on a CPU machine the gpu tests are
#                                       reported skipped with their reason
#
# Environment for run: JDNN_CUDA_PATH (CUDA library folders), JDNN_CUDA_INCLUDE (cuDNN/cuBLAS header folders for the
# constants check), OUT (if set, the JUnit XML reports are written there too). See docs/GPU.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
limit=$((64 * 1024 * 1024))
console_version=1.13.4    # JUnit Platform matching junit-jupiter 5.13.4 in the root pom.xml

pack() {
  local dir=${1:-$here/target/gpu-bundle}
  cd "$here"
  source ci/jdk25.sh
  mvn -B -ntp -q -DskipTests test-compile -pl src/cuda -am
  rm -rf "$dir"
  mkdir -p "$dir/native" "$dir/classes" "$dir/test-classes"
  mvn -B -ntp -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$console_version \
      -DoutputDirectory="$dir" -Dmdep.stripVersion=true
  # The modules the gpu tests need, merged into one class path (the bundle runs without a module path).
  for module in bindings src/core src/cuda; do
    cp -r "$module/target/classes/." "$dir/classes/"
    [ -d "$module/target/test-classes" ] && cp -r "$module/target/test-classes/." "$dir/test-classes/"
  done
  rm -f "$dir/classes/module-info.class"
  cp native/cuda-constants.c "$dir/native/"
  # The gpu tests need no oneDNN (their oracle is plain loops / the reference backend), so its 28 MB jar stays here;
  # the console launcher carries JUnit itself. Modules: what jdeps finds, plus what JUnit loads reflectively.
  local modules work
  modules=$(jdeps --ignore-missing-deps --print-module-deps --multi-release 25 \
      "$dir/junit-platform-console-standalone.jar" "$dir/classes" "$dir/test-classes")
  modules="$modules,java.logging,java.xml,jdk.unsupported"
  work=$(mktemp -d)
  jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --output "$work/jdk"
  echo "gpu-test: jlink-ed runtime with $modules: $(du -sh "$work/jdk" | cut -f1) uncompressed"
  tar -C "$work" -cf - jdk | xz -9 -T2 > "$dir/jdk.tar.xz"
  rm -rf "$work"
  git -C "$here" rev-parse HEAD > "$dir/COMMIT" 2>/dev/null || true
  local size
  size=$(du -sb "$dir" | cut -f1)
  echo "gpu-test: bundle $dir is $((size / 1024 / 1024)) MiB ($size bytes; limit $limit)"
  [ "$size" -le "$limit" ] || { echo "gpu-test: bundle exceeds 64 MiB" >&2; exit 1; }
}

unpack_jdk() {
  local dir=$1 target=$2
  if [ -x "$target/jdk/bin/java" ]; then return; fi
  mkdir -p "$target"
  if command -v xz >/dev/null; then
    xz -dc "$dir/jdk.tar.xz" | tar -C "$target" -xf -
  else   # no xz binary: Python's lzma module does the same
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$dir/jdk.tar.xz" "$target"
  fi
}

run() {
  local dir=$here/target/gpu-bundle strict=0
  for arg in "$@"; do
    case $arg in
      --strict) strict=1 ;;
      *) dir=$arg ;;
    esac
  done
  dir=$(cd "$dir" && pwd)
  [ -f "$dir/jdk.tar.xz" ] || { echo "gpu-test: $dir/jdk.tar.xz not found; run 'ci/gpu-test.sh pack' on the build machine" >&2; exit 1; }
  local jdk_home=${JDNN_GPU_JDK_DIR:-${TMPDIR:-/tmp}/jdnn-gpu-jdk-$(cksum < "$dir/jdk.tar.xz" | cut -d' ' -f1)}
  unpack_jdk "$dir" "$jdk_home"
  local reports=${OUT:-$dir}/junit-reports
  mkdir -p "$reports"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  local log
  log=$(mktemp)
  set +e
  # The gpu-tagged tests, and the op matrix (tag "matrix") for the cuda backend against the reference.
  "$jdk_home/jdk/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g -Djdnn.native.dir="$dir/native" \
      -Djdnn.matrix.backends=cuda -jar "$dir/junit-platform-console-standalone.jar" execute \
      --class-path "$dir/test-classes:$dir/classes" --scan-class-path --include-tag gpu --include-tag matrix \
      --details=tree --disable-banner --reports-dir "$reports" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local skipped aborted
  skipped=$(sed -n 's/.*\[ *\([0-9]*\) tests skipped *\].*/\1/p' "$log" | head -1)
  aborted=$(sed -n 's/.*\[ *\([0-9]*\) tests aborted *\].*/\1/p' "$log" | head -1)
  rm -f "$log"
  echo "gpu-test: exit $rc, ${aborted:-?} aborted (skipped by assumption), ${skipped:-?} skipped; reports in $reports"
  if [ "$rc" -ne 0 ]; then exit "$rc"; fi
  if [ "$strict" = 1 ] && [ "${aborted:-0}${skipped:-0}" != 00 ]; then
    echo "gpu-test: --strict: some gpu tests did not run (see their reasons above)" >&2
    exit 3
  fi
}

dry_run() {
  local dir=$here/target/gpu-bundle
  pack "$dir"
  # A bare environment, as on the GPU machine: no JAVA_HOME, no Maven, no JDK on PATH.
  env -i HOME="$HOME" PATH=/usr/bin:/bin TMPDIR="$(mktemp -d)" ${OUT:+OUT="$OUT"} bash "$0" run "$dir"
}

case ${1:-} in
  pack) shift; pack "$@" ;;
  run) shift; run "$@" ;;
  dry-run) dry_run ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
