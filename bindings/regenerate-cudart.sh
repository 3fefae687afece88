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
# The CUDA runtime's soname changes with its major version (libcudart.so.12, .so.13), so the generated code looks
# symbols up with SymbolLookup.loaderLookup() (see jextract-package.sh).
set -euo pipefail
usage="usage: regenerate-cudart.sh /path/to/jextract INCLUDE_DIRS [--check]"
exec "$(dirname "$0")/jextract-package.sh" "${1:?$usage}" "${2:?$usage}" cudart org.jdnn.bindings.cudart cudart_h cuda_runtime_api.h ${3:+"$3"}
