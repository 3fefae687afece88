#!/usr/bin/env bash
# The part every regenerate-<lib>.sh of the CUDA libraries shares: runs jextract on one header with the symbols
# listed in <lib>.includes, then either replaces the committed package with the output or diffs the two.
#
#   bindings/jextract-package.sh JEXTRACT INCLUDE_DIRS LIB PACKAGE HEADER_CLASS MAIN_HEADER [--check]
#
# INCLUDE_DIRS is a colon-separated list of header folders (a library's own folder first, then the CUDA toolkit's
# for the types its header takes from cuda_runtime_api.h); MAIN_HEADER is looked for in them, first match wins.
# No --library option: the generated code looks symbols up with SymbolLookup.loaderLookup(), so the libraries must
# have been loaded with System.load by the class loader of org.jdnn.bindings first (org.jdnn.natives.cuda.CudaLibraries
# does that), which keeps the file choice (soname, CUDA major, wheel or toolkit folder) out of the generated code.
set -euo pipefail

usage="usage: jextract-package.sh JEXTRACT INCLUDE_DIRS LIB PACKAGE HEADER_CLASS MAIN_HEADER [--check]"
jextract=${1:?$usage}
include_dirs=${2:?$usage}
lib=${3:?$usage}
package=${4:?$usage}
header_class=${5:?$usage}
main_header=${6:?$usage}
mode=${7:-write}
here=$(cd "$(dirname "$0")" && pwd)

header=
include_args=()
IFS=: read -r -a dirs <<< "$include_dirs"
for dir in "${dirs[@]}"; do
  [ -n "$dir" ] || continue
  include_args+=(--include-dir "$dir")
  if [ -z "$header" ] && [ -f "$dir/$main_header" ]; then
    header=$dir/$main_header
  fi
done
[ -n "$header" ] || { echo "regenerate-$lib: $main_header not found in $include_dirs" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/out
"$jextract" \
  "${include_args[@]}" \
  --output "$out" \
  --target-package "$package" \
  --header-class-name "$header_class" \
  @"$here/$lib.includes" \
  "$header" 2> >(grep -v 'warning: Skipping' >&2)

target=$here/src/main/java/${package//.//}
if [ "$mode" = --check ]; then
  diff -r "$target" "$out/${package//.//}" && echo "regenerate-$lib: committed bindings match a fresh generation"
else
  rm -rf "$target"          # jextract never deletes stale files
  mkdir -p "$(dirname "$target")"
  cp -r "$out/${package//.//}" "$target"
  echo "regenerate-$lib: wrote $(find "$target" -name '*.java' | wc -l) files to $target"
fi
