#!/usr/bin/env bash
# Regenerates the cuBLASLt bindings (package org.jdnn.bindings.cublaslt) with jextract.
#
#   bindings/regenerate-cublaslt.sh /path/to/jextract INCLUDE_DIRS            # regenerate in place
#   bindings/regenerate-cublaslt.sh /path/to/jextract INCLUDE_DIRS --check    # diff with the committed files
#
# INCLUDE_DIRS: as for regenerate-cublas.sh (cublasLt.h ships with cuBLAS). The committed files were made from
# cuBLAS 13.1. The symbols are listed in cublaslt.includes; the library (libcublasLt.so.<CUDA major>) is loaded by
# CudaLibraries (see jextract-package.sh). Never edit the output by hand.
set -euo pipefail
usage="usage: regenerate-cublaslt.sh /path/to/jextract INCLUDE_DIRS [--check]"
exec "$(dirname "$0")/jextract-package.sh" "${1:?$usage}" "${2:?$usage}" cublaslt org.jdnn.bindings.cublaslt cublaslt_h cublasLt.h ${3:+"$3"}
