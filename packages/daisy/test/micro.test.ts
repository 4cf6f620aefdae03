import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/index.js';
import { fixtureImage } from './fixtures.js';

/**
 * The timing microbenchmarks of firmware-fixtures time themselves with DWT CYCCNT, exactly as they would
 * on a Daisy. Each count here is what the firmware measured inside seedsim (minus its empty measurement),
 * compared with the published Cortex-M7 figure it targets (../shared/reference/hw-facts.md §1; sources:
 * JNK = jnk0le's pipeline cycle tests on an STM32H743 with DWT.CYCCNT, QUIN = quinapalus.com cm7cycles
 * on an STM32H730, LLVM = ARMScheduleM7.td). Agreement: within 5% or one cycle.
 */
const DONE = 0x0600dd0e;

function measure(name: string): number[] {
  const board = new DaisyBoard(fixtureImage(name), { timing: 'm7' });
  const done = board.image.symbols.get('seedsim_done')!;
  const results = board.image.symbols.get('seedsim_results')!;
  for (let i = 0; i < 400 && board.bus.peek(done.address, 4) !== DONE; i++) {
    const outcome = board.run({ maxCycles: 1_000_000 });
    // The fixture ends in `b .` with no interrupt enabled: the run stops there once the results are written.
    if (outcome.reason !== 'budget' && outcome.reason !== 'spin-forever') throw new Error(`${name} stopped: ${outcome.message}`);
  }
  expect(board.bus.peek(done.address, 4)).toBe(DONE);
  const count = board.bus.peek(board.image.symbols.get('seedsim_results_count')!.address, 4);
  const raw = Array.from({ length: count }, (_, i) => board.bus.peek(results.address + 4 * i, 4));
  return raw.map((v, i) => (i === 0 ? v : v - raw[0]));
}

function agrees(measured: number, published: number): boolean {
  return Math.abs(measured - published) <= Math.max(1, 0.05 * published);
}

describe('DWT-measured microbenchmarks agree with published Cortex-M7 figures', () => {
  const cases: [fixture: string, index: number, what: string, published: number, source: string][] = [
    ['micro-load-use', 1, '64 dependent LDR r3,[r3] in DTCM', 64 * 3, 'QUIN: data-to-address dependency 3 cycles per load'],
    ['micro-load-use', 2, '64 dependent LDR on a warm AXI SRAM line', 64 * 3, 'QUIN: as in DTCM, a D-cache hit is TCM-like'],
    ['micro-load-use', 3, '64 × (LDR; ADD using it)', 64, 'JNK: a word load feeds the late ALU the next cycle, the pair costs 1'],
    ['micro-load-use', 4, '64 × (LDR; MUL using it)', 128, 'JNK/LLVM-MUT: MUL cannot use an LDR result from the previous cycle, +1'],
    ['micro-load-use', 5, '64 × two independent LDRs on different DTCM banks', 64, 'JNK: loads to different banks dual-issue'],
    ['micro-load-use', 6, '16 × LDM of 8 registers', 16 * 4, 'JNK: LDM takes ceil(n/2) cycles'],
    ['micro-load-use', 7, '16 × LDM of 3 registers', 16 * 2, 'JNK: ceil(3/2) = 2'],
    ['micro-fpu-chain', 1, '32 dependent VADD.F32', 32 * 3, 'JNK/LLVM/GCC: VADD.F32 latency 3'],
    ['micro-fpu-chain', 2, '32 dependent VMUL.F32', 32 * 3, 'JNK/LLVM/GCC: VMUL.F32 latency 3'],
    ['micro-fpu-chain', 3, '32 VFMA.F32 chained on the accumulator', 32 * 3, 'JNK/LLVM: 3 per step on the accumulator'],
    ['micro-fpu-chain', 4, '32 VFMA.F32 chained through the multiplicand', 32 * 5, 'JNK/QUIN: latency 5 as multiplicand'],
    ['micro-fpu-chain', 5, '32 dependent VDIV.F32', 32 * 16, 'JNK/LLVM/GCC: VDIV.F32 16 cycles'],
    ['micro-fpu-chain', 6, '32 dependent VSQRT.F32', 32 * 14, 'JNK: VSQRT.F32 14 cycles'],
    ['micro-fpu-chain', 7, '32 dependent VADD.F64', 32 * 3, 'JNK: VADD.F64 latency 3'],
    ['micro-fpu-chain', 8, '32 dependent VMUL.F64', 32 * 5, 'JNK: VMUL.F64 CPI 5'],
    ['micro-fpu-chain', 9, '32 dependent VDIV.F64', 32 * 30, 'JNK/LLVM: VDIV.F64 30 cycles'],
    ['micro-fpu-chain', 10, '32 independent VADD.F32', 32, 'JNK/QUIN: one FP op issues per cycle, FP ops never pair'],
  ];
  const memo = new Map<string, number[]>();
  const results = (fixture: string) => {
    if (!memo.has(fixture)) memo.set(fixture, measure(fixture));
    return memo.get(fixture)!;
  };
  it.each(cases)('%s #%i: %s ≈ %i cycles (%s)', (fixture, index, _what, published) => {
    const measured = results(fixture)[index];
    expect(agrees(measured, published), `measured ${measured}, published ${published}`).toBe(true);
  });
});

describe('streaming reads rank the memories as the memory system predicts', () => {
  // micro-stream: 1024 sequential LDR (4 KB) per region; cold = right after clean+invalidate.
  it('TCM and warm cache lines cost the same; cold lines cost by region: AXI SRAM < flash < SDRAM < QSPI', () => {
    const r = measure('micro-stream');
    const [dtcmCold, dtcmWarm, dtcmUncached, axiCold, axiWarm, axiUncached] = r.slice(1, 7);
    const [sdramCold, sdramWarm, sdramUncached, qspiCold, qspiWarm, qspiUncached, flashCold, flashWarm] = r.slice(10, 18);
    // DTCM bypasses the cache (TRM §5.1): cold, warm and cache-off are one figure.
    expect(dtcmCold).toBe(dtcmWarm);
    expect(dtcmUncached).toBe(dtcmWarm);
    // Warm (all hits) everywhere equals TCM speed.
    for (const warm of [axiWarm, sdramWarm, qspiWarm, flashWarm]) expect(warm).toBe(dtcmWarm);
    // Cold: one line fill per 32 bytes, priced from the clocks the firmware set (hw-facts §3, §5.2, §5.3).
    expect(axiCold).toBeGreaterThan(axiWarm);
    expect(flashCold).toBeGreaterThan(axiCold);
    expect(sdramCold).toBeGreaterThan(flashCold);
    expect(qspiCold).toBeGreaterThan(sdramCold);
    // With the D-cache off every word pays the bus: worse than the cold cached stream.
    expect(axiUncached).toBeGreaterThan(axiCold);
    expect(sdramUncached).toBeGreaterThan(sdramCold);
    expect(qspiUncached).toBeGreaterThan(qspiCold);
  });
});
