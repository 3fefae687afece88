#!/usr/bin/env bash
# Regenerates the NVRTC bindings (package org.jdnn.bindings.nvrtc) with jextract.
#
#   bindings/regenerate-nvrtc.sh /path/to/jextract INCLUDE_DIRS            # regenerate in place
#   bindings/regenerate-nvrtc.sh /path/to/jextract INCLUDE_DIRS --check    # diff with the committed files
#
# INCLUDE_DIRS: colon-separated folders holding nvrtc.h: a full CUDA toolkit's include folder, or the
# nvidia-cuda-nvrtc wheel's nvidia/cu13/include. The committed files were made from NVRTC 13.0. The symbols are
# listed in nvrtc.includes; the library (libnvrtc.so.<CUDA major>) is loaded by CudaLibraries (see
# jextract-package.sh). Never edit the output by hand.
set -euo pipefail
usage="usage: regenerate-nvrtc.sh /path/to/jextract INCLUDE_DIRS [--check]"
exec "$(dirname "$0")/jextract-package.sh" "${1:?$usage}" "${2:?$usage}" nvrtc org.jdnn.bindings.nvrtc nvrtc_h nvrtc.h ${3:+"$3"}
