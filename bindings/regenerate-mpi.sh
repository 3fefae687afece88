#!/usr/bin/env bash
# Regenerates the MPI bindings (package org.jdnn.bindings.mpi) with jextract.
#
#   bindings/regenerate-mpi.sh /path/to/jextract            # regenerate in place
#   bindings/regenerate-mpi.sh /path/to/jextract --check    # regenerate to a temp dir, diff with the committed files
#
# The header is Open MPI's mpi.h from Debian's libopenmpi-dev (ci/setup.sh installs it); the committed files were
# made from Open MPI 4.1.4. Set MPI_INCLUDE to use another folder holding mpi.h. The symbols to generate are listed
# in mpi.includes: that file is the binding's contract; add a line there and re-run this script to grow the
# bindings. Never edit the output by hand.
#
# -l :libmpi.so.40 makes the generated lookup dlopen("libmpi.so.40"), which resolves to the copy
# org.jdnn.natives.mpi.MpiLibrary has already loaded (RTLD_GLOBAL, as Open MPI's plugins need) before any
# binding is called.
set -euo pipefail

jextract=${1:?usage: regenerate-mpi.sh /path/to/jextract [--check]}
mode=${2:-write}
here=$(cd "$(dirname "$0")" && pwd)
include=${MPI_INCLUDE:-/usr/lib/x86_64-linux-gnu/openmpi/include}
[ -f "$include/mpi.h" ] || { echo "regenerate-mpi: $include/mpi.h not found; run ci/setup.sh (or set MPI_INCLUDE)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
package=org.jdnn.bindings.mpi
out=$work/out
"$jextract" \
  --include-dir "$include" \
  --output "$out" \
  --target-package "$package" \
  --header-class-name mpi_h \
  --library :libmpi.so.40 \
  @"$here/mpi.includes" \
  "$include/mpi.h" 2> >(grep -v 'warning: Skipping' >&2)

target=$here/src/main/java/${package//.//}
if [ "$mode" = --check ]; then
  diff -r "$target" "$out/${package//.//}" && echo "regenerate-mpi: committed bindings match a fresh generation"
else
  rm -rf "$target"          # jextract never deletes stale files
  mkdir -p "$(dirname "$target")"
  cp -r "$out/${package//.//}" "$target"
  echo "regenerate-mpi: wrote $(find "$target" -name '*.java' | wc -l) files to $target"
fi
