/**
 * A second Unicorn dressed as a core under test. It checks the oracle itself: Unicorn against Unicorn
 * must agree on every instruction, and a deliberately corrupted wrapper around it must be caught.
 */
import { CpuState } from '@seedsim/core';
import type { CoreFactory, CoreUnderTest } from './core-under-test.js';
import { SNAP_FPSCR, SNAP_S0, SNAP_XPSR, Unicorn } from './unicorn.js';
import { UC_ARM_REG } from './unicorn-consts.js';

/** If the halfword at `pc` is an IT instruction, the address after its conditional block; else 0. */
function itBlockEndAt(code: { base: number; bytes: Uint8Array }, pc: number): number {
  const half = (addr: number): number => code.bytes[addr - code.base] | (code.bytes[addr - code.base + 1] << 8);
  const it = half(pc);
  if ((it & 0xff00) !== 0xbf00 || (it & 0xf) === 0) return 0;
  const mask = it & 0xf;
  const count = mask & 1 ? 4 : mask & 2 ? 3 : mask & 4 ? 2 : 1;
  let addr = pc + 2;
  for (let k = 0; k < count; k++) addr += half(addr) >>> 11 >= 0x1d ? 4 : 2;
  return addr;
}

export function unicornCoreFactory(): CoreFactory {
  return (layout) => {
    const uc = new Unicorn();
    const memory = layout.map(({ base, size }) => ({ base, bytes: uc.map(base, size).bytes }));
    // As in Lockstep: one FP instruction first, so that CONTROL.FPCA is set and later FPSCR writes stick.
    const code = memory[0];
    code.bytes.set([0xb0, 0xee, 0x40, 0x0a]); // VMOV.F32 s0, s0
    uc.step(code.base);
    code.bytes.fill(0, 0, 4);
    uc.invalidateCode(code.base, code.base + 4);
    const state = new CpuState();
    const core: CoreUnderTest & { close(): void } = {
      state,
      memory,
      step: () => {
        for (let i = 0; i < 15; i++) uc.writeCore(i, state.r[i]);
        // APSR_NZCVQG sets GE, XPSR sets T and IT (see Lockstep.loadBlock).
        uc.writeReg(UC_ARM_REG.APSR_NZCVQG, state.apsr);
        uc.writeReg(UC_ARM_REG.XPSR, (state.apsr | state.epsr) >>> 0);
        uc.writeReg(UC_ARM_REG.FPSCR, state.fpscr);
        for (let i = 0; i < 32; i++) uc.writeReg(UC_ARM_REG.S0 + i, state.s[i]);
        // A whole IT block at once, as Lockstep.stepBoth does: count = 1 steps are unreliable inside IT.
        const pc = state.r[15];
        const itEnd = itBlockEndAt(code, pc);
        if (itEnd !== 0) uc.invalidateCode(pc, itEnd + 4); // `until` is checked at translation time
        const err = itEnd !== 0 ? uc.run(pc, itEnd, 16, 0) : uc.step(pc);
        if (err !== 0) throw new Error(`unicorn core: ${uc.errorText(err)}`);
        const regs = uc.snapshot();
        for (let i = 0; i < 16; i++) state.r[i] = regs[i];
        state.apsr = regs[SNAP_XPSR];
        state.itState = ((regs[SNAP_XPSR] >>> 25) & 3) | (((regs[SNAP_XPSR] >>> 10) & 0x3f) << 2);
        state.fpscr = regs[SNAP_FPSCR];
        for (let i = 0; i < 32; i++) state.s[i] = regs[SNAP_S0 + i];
      },
      codeChanged: () => uc.invalidateCode(layout[0].base, layout[0].base + layout[0].size),
      close: () => uc.close(),
    };
    return core;
  };
}
