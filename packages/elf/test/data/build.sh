#!/usr/bin/env bash
# Builds the small test ELFs of packages/elf with Debian's arm-none-eabi-gcc and captures the linker's own
# --print-memory-usage output beside each: the independent reference `seedsim map` is compared with.
set -euo pipefail
cd "$(dirname "$0")"
CFLAGS="-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard -O2 -nostartfiles -ffile-prefix-map=$PWD=."
arm-none-eabi-gcc $CFLAGS -T mini.ld mini.c -o mini.elf -Wl,--print-memory-usage > mini.memory-usage.txt
# The same program as an x86 ELF is not built here (no cross x86 toolchain needed): tests patch e_machine instead.
