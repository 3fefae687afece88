#!/usr/bin/env bash
# Regenerates the oneDNN bindings (package org.jdnn.bindings.dnnl) with jextract.
#
#   bindings/regenerate-dnnl.sh /path/to/jextract            # regenerate in place
#   bindings/regenerate-dnnl.sh /path/to/jextract --check    # regenerate to a temp dir, diff with the committed files
#
# The headers come from the same Maven artifact as libdnnl.so.3 (org.bytedeco:dnnl:3.13-1.5.14,
# classifier linux-x86_64), read from the local Maven repository (run `mvn -q dependency:resolve` first
# if it is not there). The symbols to generate are listed in dnnl.includes: that file is the binding's
# contract; add a line there and re-run this script to grow the bindings. Never edit the output by hand.
set -euo pipefail

jextract=${1:?usage: regenerate-dnnl.sh /path/to/jextract [--check]}
mode=${2:-write}
here=$(cd "$(dirname "$0")" && pwd)
version=3.13-1.5.14
jar=${MAVEN_REPO:-$HOME/.m2/repository}/org/bytedeco/dnnl/$version/dnnl-$version-linux-x86_64.jar
[ -f "$jar" ] || { echo "regenerate-dnnl: $jar not found; run 'mvn -q dependency:resolve' first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -q "$jar" 'org/bytedeco/dnnl/linux-x86_64/include/*' -d "$work/jar"
include=$work/jar/org/bytedeco/dnnl/linux-x86_64/include

package=org.jdnn.bindings.dnnl
out=$work/out
# No --library option: oneDNN's file name differs per platform (libdnnl.so.3, libdnnl.3.dylib), so the generated
# code looks symbols up with SymbolLookup.loaderLookup(), and org.jdnn.natives.OneDnnLibrary loads the platform's
# file with System.load (after a dlopen(RTLD_GLOBAL) that reports dlerror text) before any binding is called.
"$jextract" \
  --include-dir "$include" \
  --output "$out" \
  --target-package "$package" \
  --header-class-name dnnl_h \
  @"$here/dnnl.includes" \
  "$include/oneapi/dnnl/dnnl.h"

target=$here/src/main/java/${package//.//}
if [ "$mode" = --check ]; then
  diff -r "$target" "$out/${package//.//}" && echo "regenerate-dnnl: committed bindings match a fresh generation"
else
  rm -rf "$target"          # jextract never deletes stale files
  mkdir -p "$(dirname "$target")"
  cp -r "$out/${package//.//}" "$target"
  echo "regenerate-dnnl: wrote $(find "$target" -name '*.java' | wc -l) files to $target"
fi
