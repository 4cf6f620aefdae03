/**
 * Core speed: a 16-tap fixed-point FIR (LDR post-index, SMLAD, SUBS/BNE, SSAT) over 256 samples, looped,
 * on a FlatBus with no cycle model. Reports emulated MIPS by wall time (tinybench) and by this process's
 * CPU time (the machine is shared, so wall time varies with other load).
 * Run: node --import tsx bench/core-fir.bench.ts
 */
import { Bench } from 'tinybench';
import { Cpu, FlatBus } from '@seedsim/core';
import { FIR_CODE } from './fir-code.js';

const INSTRUCTIONS_PER_RUN = 2_000_000;

export function makeFirCpu(): Cpu {
  const bus = new FlatBus();
  const rom = bus.addRange(0x0000_0000, 0x1000);
  rom.set(new Uint8Array(FIR_CODE.buffer, FIR_CODE.byteOffset, FIR_CODE.byteLength));
  const ram = bus.addRange(0x2000_0000, 0x4000);
  const view = new DataView(ram.buffer);
  for (let i = 0; i < 256 + 16; i++) view.setInt16(2 * i, Math.round(12000 * Math.sin(i / 5)), true);
  for (let k = 0; k < 16; k++) view.setInt16(0x1000 + 2 * k, 2048 - 100 * k, true);
  const cpu = new Cpu({ bus });
  cpu.state.r[13] = 0x2000_4000;
  cpu.state.r[15] = 0;
  return cpu;
}

async function main(): Promise<void> {
  const cpu = makeFirCpu();
  cpu.run(INSTRUCTIONS_PER_RUN); // warm up the decode cache and the JIT
  const bench = new Bench({ time: 3000, warmupTime: 500 });
  bench.add('fir16x256', () => {
    cpu.run(INSTRUCTIONS_PER_RUN);
  });
  const before = cpu.instructions;
  const cpuBefore = process.cpuUsage();
  await bench.run();
  const cpuMicros = process.cpuUsage(cpuBefore).user;
  const executed = cpu.instructions - before;
  const result = bench.tasks[0].result as { latency?: { mean: number }; mean?: number } | undefined;
  const meanMs = result?.latency?.mean ?? result?.mean ?? NaN;
  console.log(`core FIR: ${(INSTRUCTIONS_PER_RUN / (meanMs * 1000)).toFixed(1)} MIPS wall (mean ${meanMs.toFixed(2)} ms per ${INSTRUCTIONS_PER_RUN} instructions), ` +
    `${(executed / cpuMicros).toFixed(1)} MIPS per CPU-second (${executed} instructions)`);
}

if (process.argv[1]?.endsWith('core-fir.bench.ts')) await main();
