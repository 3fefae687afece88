#!/usr/bin/env bash
# Regenerates the cuBLAS bindings (package org.jdnn.bindings.cublas) with jextract.
#
#   bindings/regenerate-cublas.sh /path/to/jextract INCLUDE_DIRS            # regenerate in place
#   bindings/regenerate-cublas.sh /path/to/jextract INCLUDE_DIRS --check    # diff with the committed files
#
# INCLUDE_DIRS: colon-separated folders holding cublas_v2.h and the CUDA runtime headers it includes: a full CUDA
# toolkit's include folder, or the nvidia-cublas wheel's nvidia/cu13/include followed by the toolkit's. The
# committed files were made from cuBLAS 13.1. The symbols are listed in cublas.includes; the library
# (libcublas.so.<CUDA major>) is loaded by CudaLibraries (see jextract-package.sh). Never edit the output by hand.
set -euo pipefail
usage="usage: regenerate-cublas.sh /path/to/jextract INCLUDE_DIRS [--check]"
exec "$(dirname "$0")/jextract-package.sh" "${1:?$usage}" "${2:?$usage}" cublas org.jdnn.bindings.cublas cublas_h cublas_v2.h ${3:+"$3"}
