#!/usr/bin/env bash
# Regenerates the CUDA driver API bindings (package org.jdnn.bindings.cuda) with jextract.
#
#   bindings/regenerate-cuda.sh /path/to/jextract /usr/local/cuda/include            # regenerate in place
#   bindings/regenerate-cuda.sh /path/to/jextract /usr/local/cuda/include --check    # diff with the committed files
#
# The header is the CUDA toolkit's cuda.h; the committed files were made from CUDA 13.0. The symbols are listed in
# cuda.includes. The library is the driver's libcuda.so.1, which CudaLibraries must System.load before any call
# (see jextract-package.sh). Never edit the output by hand.
set -euo pipefail
usage="usage: regenerate-cuda.sh /path/to/jextract INCLUDE_DIRS [--check]"
exec "$(dirname "$0")/jextract-package.sh" "${1:?$usage}" "${2:?$usage}" cuda org.jdnn.bindings.cuda cuda_h cuda.h ${3:+"$3"}
