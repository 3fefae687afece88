#!/usr/bin/env bash
# Regenerates the NCCL bindings (package org.jdnn.bindings.nccl) with jextract.
#
#   bindings/regenerate-nccl.sh /path/to/jextract INCLUDE_DIRS            # regenerate in place
#   bindings/regenerate-nccl.sh /path/to/jextract INCLUDE_DIRS --check    # diff with the committed files
#
# INCLUDE_DIRS: colon-separated folders holding nccl.h and the CUDA runtime headers it includes, e.g. the
# nvidia-nccl-cu13 wheel's nvidia/nccl/include followed by the CUDA toolkit's include folder. The committed files
# were made from NCCL 2.30. The symbols are listed in nccl.includes; the library (libnccl.so.2) must be loaded with
# System.load before any call (see jextract-package.sh). Never edit the output by hand.
set -euo pipefail
usage="usage: regenerate-nccl.sh /path/to/jextract INCLUDE_DIRS [--check]"
exec "$(dirname "$0")/jextract-package.sh" "${1:?$usage}" "${2:?$usage}" nccl org.jdnn.bindings.nccl nccl_h nccl.h ${3:+"$3"}
