import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '../src/bus.js';
import { Cpu } from '../src/cpu.js';
import { connectExceptionModel } from '../src/exceptions.js';
import { SystemControlSpace } from '../src/scs/scs-device.js';
import type { MmioDevice } from '../src/mmio.js';

import { Clock } from '../src/clock.js';
import { FlatBus } from '../src/flat-bus.js';
import { CpuState } from '../src/state.js';
import { ExceptionModel, type ExceptionModelOptions, type StopReport } from '../src/exceptions.js';

export const VTOR = 0x08000000;
export const STACK_TOP = 0x20020000;
export const RESET_HANDLER = 0x08000400;

/** Handler address of exception n in the test vector table: 0x08001000 + 0x10*n (Thumb bit set in the table). */
export function handlerOf(n: number): number {
  return 0x08001000 + 0x10 * n;
}

export interface Rig {
  state: CpuState;
  bus: FlatBus;
  clock: Clock;
  model: ExceptionModel;
  stops: StopReport[];
  read32(addr: number): number;
}

/** A model on flat memory: 64 KB "flash" with a vector table at VTOR, 128 KB "DTCM" at 0x20000000. */
export function makeRig(options: ExceptionModelOptions = {}): Rig {
  const state = new CpuState();
  const bus = new FlatBus([
    { base: VTOR, size: 0x10000 },
    { base: 0x20000000, size: 0x20000 },
  ]);
  const clock = new Clock();
  bus.write32(VTOR, STACK_TOP);
  bus.write32(VTOR + 4, RESET_HANDLER | 1);
  for (let n = 2; n < 16 + 150; n++) bus.write32(VTOR + 4 * n, handlerOf(n) | 1);
  const stops: StopReport[] = [];
  const model = new ExceptionModel(state, bus, clock, { ...options, onStop: (r) => stops.push(r) });
  model.reset(VTOR);
  return { state, bus, clock, model, stops, read32: (a) => bus.read32(a) >>> 0 };
}

// ---------------------------------------------------------------------------------------------------
// Programs on the real Cpu: Thumb assembly linked at VTOR by Debian's binutils, the SCS mapped on the bus.

const linked = new Map<string, Uint8Array>();

/** Assembles and links `source` at `base` (arm-none-eabi-as + ld -Ttext), returning the raw image. */
export function assembleAt(source: string, base: number): Uint8Array {
  const key = `${base}:${source}`;
  const hit = linked.get(key);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), 'seedsim-exc-'));
  try {
    writeFileSync(join(dir, 't.s'), `.syntax unified\n.thumb\n.text\n${source}\n`);
    const run = (cmd: string, args: string[]) => {
      try {
        execFileSync(cmd, args, { stdio: 'pipe', cwd: dir });
      } catch (e) {
        const stderr = (e as { stderr?: Uint8Array }).stderr;
        throw new Error(`${cmd} failed:\n${stderr ? new TextDecoder().decode(stderr) : String(e)}`);
      }
    };
    run('arm-none-eabi-as', ['-mcpu=cortex-m7', '-mfpu=fpv5-d16', '-mthumb', '-o', 't.o', 't.s']);
    run('arm-none-eabi-ld', [`-Ttext=0x${base.toString(16)}`, '-e', '0', '-o', 't.elf', 't.o']);
    run('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', 't.elf', 't.bin']);
    const bytes = new Uint8Array(readFileSync(join(dir, 't.bin')));
    linked.set(key, bytes);
    return bytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A FlatBus with memory-mapped devices in front of it (the SoC bus does this for real). */
class DeviceBus implements Bus {
  constructor(
    private readonly memory: FlatBus,
    private readonly devices: MmioDevice[],
  ) {}
  /** Bus.deviceAccesses: lets the core skip idle loops, as the SoC bus does. */
  deviceAccesses = 0;
  private device(addr: number): MmioDevice | null {
    for (const d of this.devices) {
      if (addr >= d.base && addr < d.base + d.size) {
        this.deviceAccesses++;
        return d;
      }
    }
    return null;
  }
  read8(a: number): number {
    const d = this.device(a >>> 0);
    return d ? d.read((a >>> 0) - d.base, 1) : this.memory.read8(a);
  }
  read16(a: number): number {
    const d = this.device(a >>> 0);
    return d ? d.read((a >>> 0) - d.base, 2) : this.memory.read16(a);
  }
  read32(a: number): number {
    const d = this.device(a >>> 0);
    return d ? d.read((a >>> 0) - d.base, 4) : this.memory.read32(a);
  }
  write8(a: number, v: number): void {
    const d = this.device(a >>> 0);
    if (d) d.write((a >>> 0) - d.base, v, 1);
    else this.memory.write8(a, v);
  }
  write16(a: number, v: number): void {
    const d = this.device(a >>> 0);
    if (d) d.write((a >>> 0) - d.base, v, 2);
    else this.memory.write16(a, v);
  }
  write32(a: number, v: number): void {
    const d = this.device(a >>> 0);
    if (d) d.write((a >>> 0) - d.base, v, 4);
    else this.memory.write32(a, v);
  }
  fetch16(a: number): number {
    return this.memory.fetch16(a);
  }
}

/** The log programs write with the LOG macro: a count at 0x20000000, entries after it. */
export const LOG_BASE = 0x20000000;

/**
 * Vector table (exceptions 0..19: SP, Reset … SysTick, IRQ0..IRQ3) and a LOG macro, prepended to each
 * program. Handlers a program does not define fall back to `unexpected` (a BKPT #1).
 */
const PRELUDE = `
.macro LOG v
  ldr r0, =\\v
  ldr r1, =${LOG_BASE}
  ldr r2, [r1]
  adds r2, #1
  str r2, [r1]
  str r0, [r1, r2, lsl #2]
.endm
.macro LOGREG reg
  mov r0, \\reg
  ldr r1, =${LOG_BASE}
  ldr r2, [r1]
  adds r2, #1
  str r2, [r1]
  str r0, [r1, r2, lsl #2]
.endm
@ SysTick interrupting every 'period' cycles: LOAD = period - 1, VAL = 0, CTRL = ENABLE | TICKINT | CLKSOURCE.
.macro SYSTICK_START period
  ldr r0, =0xE000E014
  ldr r1, =\\period - 1
  str r1, [r0]
  movs r1, #0
  str r1, [r0, #4]
  movs r1, #7
  str r1, [r0, #-4]
.endm
vectors:
  .word ${STACK_TOP}
  .word reset + 1
  .word nmi + 1
  .word hardfault + 1
  .word memmanage + 1
  .word busfault + 1
  .word usagefault + 1
  .word 0, 0, 0, 0
  .word svcall + 1
  .word 0, 0
  .word pendsv + 1
  .word systick + 1
  .word irq0 + 1
  .word irq1 + 1
  .word irq2 + 1
  .word irq3 + 1
.thumb_func
unexpected:
  bkpt #1
`;

export interface ProgramRig {
  cpu: Cpu;
  scs: SystemControlSpace;
  model: ExceptionModel;
  clock: Clock;
  state: CpuState;
  memory: FlatBus;
  stops: StopReport[];
  /** Runs until a stop (BKPT, lockup …) or `maxInstructions`. */
  run(maxInstructions?: number): StopReport | null;
  /** The values the program logged, in order. */
  log(): number[];
}

/** Points every handler the program did not define at `unexpected`. */
const EPILOGUE = `
.macro HANDLER name
  .ifndef \\name
  .set \\name, unexpected
  .endif
.endm
HANDLER nmi
HANDLER hardfault
HANDLER memmanage
HANDLER busfault
HANDLER usagefault
HANDLER svcall
HANDLER pendsv
HANDLER systick
HANDLER irq0
HANDLER irq1
HANDLER irq2
HANDLER irq3
.ltorg
`;

/** Builds flash at VTOR with the program, DTCM RAM, the SCS and DWT on the bus, and resets. */
export function programRig(source: string, options: ExceptionModelOptions = {}): ProgramRig {
  const image = assembleAt(`${PRELUDE}\n${source}\n${EPILOGUE}`, VTOR);
  const memory = new FlatBus([
    { base: VTOR, size: 0x10000 },
    { base: 0x20000000, size: 0x20000 },
  ]);
  memory.load(VTOR, image);
  const clock = new Clock();
  const state = new CpuState();
  const stops: StopReport[] = [];
  const placeholder = memory as Bus;
  const model = new ExceptionModel(state, placeholder, clock, { ...options, onStop: (r) => stops.push(r) });
  const scs = new SystemControlSpace(model);
  const bus = new DeviceBus(memory, [scs, model.dwt]);
  model.bus = bus;
  const cpu = new Cpu({ bus, clock, state });
  connectExceptionModel(model, cpu);
  model.reset(VTOR);
  return {
    cpu,
    scs,
    model,
    clock,
    state,
    memory,
    stops,
    run(maxInstructions = 100_000) {
      cpu.run(maxInstructions);
      return stops.length > 0 ? stops[stops.length - 1] : null;
    },
    log() {
      const n = memory.read32(LOG_BASE);
      const out: number[] = [];
      for (let i = 1; i <= n; i++) out.push(memory.read32(LOG_BASE + 4 * i) >>> 0);
      return out;
    },
  };
}
