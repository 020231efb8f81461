#!/bin/bash
# The AddressSanitizer + UBSan build used by make fuzz and make check:
#   mk/build-asan.sh SRC BUILD
# Line tables only (-g1): sanitizer reports keep file:line, and the build
# costs about a quarter less than with full debug info.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec bash "$here/build.sh" "$1" "$2" --enable-asan --enable-ubsan --extra-cflags=-g1
