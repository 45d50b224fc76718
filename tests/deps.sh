#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages kiln needs when run as root; otherwise prints the exact
# apt-get line and fails. Used by `make demo`, `make test` and .ci/run.
PKGS="gcc make protobuf-c-compiler libprotobuf-c-dev libonnx-dev libyaml-dev libcjson-dev \
libcmocka-dev gcc-arm-none-eabi libnewlib-arm-none-eabi valgrind libonnx-testdata chromium \
qemu-system-arm qemu-system-misc gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf \
clang libclang-rt-14-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "kiln: installing missing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null ||
        { echo "kiln: apt-get install failed" >&2; exit 1; }
else
    echo "kiln: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
