/**
 * Emulated MIPS of the real Cpu without a cycle model, with the ideal model and with the full M7 model,
 * on two mixes: an audio-callback-like float loop (VLDR, VFMA/VMUL/VADD, VSTR to MPU-uncached D2 SRAM,
 * integer indexing, a loop branch; code in flash with both caches on) and the 16-tap int16 FIR of
 * core-fir.bench.ts (LDR post-index, SMLAD, SSAT; code in ITCM). Reports wall-clock MIPS (tinybench)
 * and CPU-time MIPS (process.cpuUsage, steadier on a shared machine), and the model's cost per instruction.
 * Run: node --import tsx bench/timing.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { Cpu, FlatBus, type CycleModel } from '@seedsim/core';
import { IdealModel, M7Model, attributesFromTexCbS, defaultAttributes } from '@seedsim/timing';
import { FIR_CODE } from './fir-code.js';

const FLOAT_MIX = `
outer:
  mov r0, #48
  mov r1, r9
  mov r2, r10
  mov r3, r11
loop:
  vldr s0, [r1]
  vldr s1, [r2]
  vfma.f32 s2, s0, s1
  vmul.f32 s3, s0, s1
  vadd.f32 s4, s3, s5
  vstr s4, [r3]
  ldr r4, [r1, #4]
  add r6, r6, r4
  adds r1, r1, #4
  add r2, r2, #4
  add r3, r3, #4
  subs r0, r0, #1
  bne loop
  b outer
`;

function assemble(source: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'seedsim-bench-'));
  try {
    writeFileSync(join(dir, 'a.s'), `.syntax unified\n.thumb\n.text\n${source}\n`);
    execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m7', '-mfpu=fpv5-d16', '-mthumb', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const STEPS = 200_000;
type ModelKind = 'none' | 'ideal' | 'm7';

function makeModel(kind: ModelKind): CycleModel | null {
  if (kind === 'none') return null;
  if (kind === 'ideal') return new IdealModel();
  const m = new M7Model();
  // libDaisy's MPU region 0: D2 SRAM DMA buffers non-cacheable (hw-facts §2.2).
  m.setAttributeSource({
    attributes: (a) => (a >>> 0 >= 0x3000_0000 && a >>> 0 < 0x3000_8000 ? attributesFromTexCbS(1, 0, 0, 1) : defaultAttributes(a)),
  });
  m.memory.setEnabled(true, true);
  return m;
}

function floatCpu(kind: ModelKind): Cpu {
  const bus = new FlatBus();
  bus.addRange(0x0800_0000, 0x10000).set(assembled);
  bus.addRange(0x2400_0000, 0x10000);
  bus.addRange(0x3000_0000, 0x10000);
  const cpu = new Cpu({ bus, cycleModel: makeModel(kind) });
  cpu.state.r[9] = 0x2400_0000;
  cpu.state.r[10] = 0x2400_1000;
  cpu.state.r[11] = 0x3000_0000;
  cpu.state.r[15] = 0x0800_0000;
  return cpu;
}

function firCpu(kind: ModelKind): Cpu {
  const bus = new FlatBus();
  bus.addRange(0x0000_0000, 0x1000).set(new Uint8Array(FIR_CODE.buffer, FIR_CODE.byteOffset, FIR_CODE.byteLength));
  const ram = bus.addRange(0x2000_0000, 0x4000);
  const view = new DataView(ram.buffer);
  for (let i = 0; i < 256 + 16; i++) view.setInt16(2 * i, Math.round(12000 * Math.sin(i / 5)), true);
  for (let k = 0; k < 16; k++) view.setInt16(0x1000 + 2 * k, 2048 - 100 * k, true);
  const cpu = new Cpu({ bus, cycleModel: makeModel(kind) });
  cpu.state.r[13] = 0x2000_4000;
  cpu.state.r[15] = 0;
  return cpu;
}

const assembled = assemble(FLOAT_MIX);
const kinds: ModelKind[] = ['none', 'ideal', 'm7'];
const workloads: [string, (k: ModelKind) => Cpu][] = [
  ['float mix (flash, caches)', floatCpu],
  ['int16 FIR (ITCM)', firCpu],
];

/** Best CPU-time MIPS over a few runs of STEPS instructions. */
function cpuTimeMips(cpu: Cpu): number {
  let best = 0;
  for (let i = 0; i < 7; i++) {
    const t = process.cpuUsage();
    cpu.run(STEPS);
    const used = process.cpuUsage(t);
    const us = used.user + used.system;
    best = Math.max(best, STEPS / us);
  }
  return best;
}

const bench = new Bench({ time: 1000, warmup: true });
const cpus = new Map<string, Cpu>();
for (const [w, make] of workloads) {
  for (const k of kinds) {
    const name = `${w} / ${k}`;
    const cpu = make(k);
    cpu.run(STEPS); // warm the decode cache and the JIT
    cpus.set(name, cpu);
    bench.add(name, () => {
      cpu.run(STEPS);
    });
  }
}
await bench.run();

console.log('workload / model                     wall MIPS  CPU-time MIPS  model ns/insn (CPU time)');
for (const [w] of workloads) {
  const base = cpuTimeMips(cpus.get(`${w} / none`)!);
  for (const k of kinds) {
    const name = `${w} / ${k}`;
    const task = bench.tasks.find((t) => t.name === name)!;
    const ms = (task.result as { latency?: { mean: number } }).latency?.mean ?? NaN;
    const wall = STEPS / (ms * 1000);
    const cpuMips = k === 'none' ? base : cpuTimeMips(cpus.get(name)!);
    const cost = 1000 / cpuMips - 1000 / base;
    console.log(`${name.padEnd(38)} ${wall.toFixed(1).padStart(8)} ${cpuMips.toFixed(1).padStart(14)} ${k === 'none' ? '' : cost.toFixed(1).padStart(12)}`);
  }
}
const m7 = cpus.get('float mix (flash, caches) / m7')!.cycleModel as M7Model;
const snap = m7.snapshot();
console.log(`float mix under m7: ${snap.instructions} instructions, ${snap.total} cycles, CPI ${(snap.total / snap.instructions).toFixed(3)}, dual-issued ${snap.dualIssued}`);
console.log('cycles by cause:', snap.byCause);
