#!/usr/bin/env bash
# Regenerates the cuDNN 9 bindings (package org.jdnn.bindings.cudnn) with jextract.
#
#   bindings/regenerate-cudnn.sh /path/to/jextract INCLUDE_DIRS            # regenerate in place
#   bindings/regenerate-cudnn.sh /path/to/jextract INCLUDE_DIRS --check    # diff with the committed files
#
# INCLUDE_DIRS: colon-separated folders holding cudnn.h (and cudnn_graph.h, cudnn_ops.h, cudnn_cnn.h, ...) and the
# CUDA runtime headers they include, e.g. the nvidia-cudnn-cu13 wheel's nvidia/cudnn/include followed by the CUDA
# toolkit's include folder. The committed files were made from cuDNN 9.24. The symbols are listed in
# cudnn.includes; the library (libcudnn.so.9, which loads its libcudnn_*.so.9 parts itself) is loaded by
# CudaLibraries (see jextract-package.sh). Never edit the output by hand.
set -euo pipefail
usage="usage: regenerate-cudnn.sh /path/to/jextract INCLUDE_DIRS [--check]"
exec "$(dirname "$0")/jextract-package.sh" "${1:?$usage}" "${2:?$usage}" cudnn org.jdnn.bindings.cudnn cudnn_h cudnn.h ${3:+"$3"}
