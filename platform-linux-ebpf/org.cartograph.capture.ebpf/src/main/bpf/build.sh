#!/bin/bash
# Compiles the CO-RE BPF object: vmlinux.h from the running kernel's BTF, then clang -target bpf.
# Usage: build.sh <work dir> <output dir>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$1"
out="$2"
for tool in clang bpftool; do
  command -v "$tool" >/dev/null || { echo "missing $tool: install the packages in debian-packages.build" >&2; exit 1; }
done
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "missing libbpf headers: install libbpf-dev" >&2; exit 1; }
mkdir -p "$work" "$out"
if [ ! -s "$work/vmlinux.h" ]; then
  bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$work/vmlinux.h.tmp"
  mv "$work/vmlinux.h.tmp" "$work/vmlinux.h"
fi
clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$work" -Wall -Werror=implicit-function-declaration \
  -c "$here/conn.bpf.c" -o "$out/conn.bpf.o"
llvm-strip -g "$out/conn.bpf.o" 2>/dev/null || true
