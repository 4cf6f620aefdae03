/**
 * Whole-program checks: the benchmark's FIR kernel (bench/fir.s, committed as bench/fir-code.ts) computed
 * by the core must equal the same FIR computed directly in JavaScript from its definition
 * y[n] = sat16((sum_k x[n+k] * h[k]) >> 15).
 */
import { describe, expect, it } from 'vitest';
import { Cpu, FlatBus } from '../src/index.js';
import { FIR_CODE } from '../../../bench/fir-code.js';

describe('FIR kernel', () => {
  it('matches a JavaScript reference for one block of 256 samples', () => {
    const bus = new FlatBus();
    bus.addRange(0, 0x1000).set(new Uint8Array(FIR_CODE.buffer, FIR_CODE.byteOffset, FIR_CODE.byteLength));
    const ram = bus.addRange(0x2000_0000, 0x4000);
    const view = new DataView(ram.buffer);
    const x: number[] = [];
    const h: number[] = [];
    for (let i = 0; i < 256 + 16; i++) {
      x.push(((i * 7919) % 65536) - 32768); // full int16 range, both signs
      view.setInt16(2 * i, x[i], true);
    }
    for (let k = 0; k < 16; k++) {
      h.push(k % 2 === 0 ? 16384 - 1000 * k : -2000 * k); // within int16
      view.setInt16(0x1000 + 2 * k, h[k], true);
    }
    const cpu = new Cpu({ bus });
    cpu.state.r[13] = 0x2000_4000;
    // Run until the outer loop branches back to "start" (PC 0) after one block.
    cpu.step();
    while (cpu.state.r[15] !== 0) cpu.step();
    for (let n = 0; n < 256; n++) {
      let acc = 0;
      for (let k = 0; k < 16; k++) acc += x[n + k] * h[k];
      acc = acc | 0; // SMLAD accumulates modulo 2^32 (Q would flag an overflow)
      const expected = Math.max(-32768, Math.min(32767, acc >> 15));
      expect(view.getInt32(0x2000 + 4 * n, true)).toBe(expected);
    }
  });
});
