#!/usr/bin/env bash
# Regenerates the CUDA runtime bindings (package org.jdnn.bindings.cudart) with jextract.
#
#   bindings/regenerate-cudart.sh /path/to/jextract /usr/local/cuda/include            # regenerate in place
#   bindings/regenerate-cudart.sh /path/to/jextract /usr/local/cuda/include --check    # diff with the committed files
#
# The headers are the CUDA toolkit's (cuda_runtime_api.h, driver_types.h); the committed files were made from
# CUDA 13.0. The symbols to generate are listed in cudart.includes: that file is the binding's contract; add a
# line there and re-run this script to grow the bindings. Never edit the output by hand.
#
# No --library option: the CUDA runtime's soname changes with its major version (libcudart.so.12, .so.13),
# so the generated code looks symbols up with SymbolLookup.loaderLookup(), and
# org.jdnn.natives.cuda.CudaLibraries loads whichever libcudart it found with System.load (after a
# dlopen(RTLD_GLOBAL) that reports dlerror text) before any binding is called.
set -euo pipefail

jextract=${1:?usage: regenerate-cudart.sh /path/to/jextract /path/to/cuda/include [--check]}
include=${2:?usage: regenerate-cudart.sh /path/to/jextract /path/to/cuda/include [--check]}
mode=${3:-write}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$include/cuda_runtime_api.h" ] || { echo "regenerate-cudart: $include/cuda_runtime_api.h not found" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
package=org.jdnn.bindings.cudart
out=$work/out
"$jextract" \
  --include-dir "$include" \
  --output "$out" \
  --target-package "$package" \
  --header-class-name cudart_h \
  @"$here/cudart.includes" \
  "$include/cuda_runtime_api.h" 2> >(grep -v 'warning: Skipping' >&2)

target=$here/src/main/java/${package//.//}
if [ "$mode" = --check ]; then
  diff -r "$target" "$out/${package//.//}" && echo "regenerate-cudart: committed bindings match a fresh generation"
else
  rm -rf "$target"          # jextract never deletes stale files
  mkdir -p "$(dirname "$target")"
  cp -r "$out/${package//.//}" "$target"
  echo "regenerate-cudart: wrote $(find "$target" -name '*.java' | wc -l) files to $target"
fi
