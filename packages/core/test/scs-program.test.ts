import { describe, expect, it } from 'vitest';
import type { CacheOps } from '../src/cache-ops.js';
import { Cfsr, Exc } from '../src/exceptions.js';
import { programRig } from './exceptions-helpers.js';

// Firmware-style register sequences on the real Cpu with the SCS on the bus.

describe('DWT cycle counter from firmware', () => {
  const source = (unlock: boolean) => `
.thumb_func
reset:
  ldr r0, =0xE000EDFC
  ldr r1, =0x01000000    @ DEMCR.TRCENA
  str r1, [r0]
  ldr r1, =0xE0001000
  ${unlock ? 'ldr r2, =0xC5ACCE55\n  str r2, [r1, #0xFB0]' : 'nop'}
  movs r2, #0
  str r2, [r1, #4]       @ CYCCNT = 0
  movs r3, #1
  str r3, [r1]           @ CTRL.CYCCNTENA: counting starts with this store
  movs r2, #100
loop:
  subs r2, #1
  bne loop
  ldr r0, [r1, #4]       @ CYCCNT
  bkpt #0
`;

  it('counts processor cycles once LAR is unlocked', () => {
    const rig = programRig(source(true));
    rig.run();
    // No cycle model: one cycle per instruction. Counted: the enabling STR, MOVS, 100 × (SUBS + BNE)
    // = 202; the LDR reads CYCCNT before its own cycle is charged.
    expect(rig.state.r[0]).toBe(202);
  });

  it('stays at zero while the DWT is locked (no LAR key written)', () => {
    const rig = programRig(source(false));
    rig.run();
    expect(rig.state.r[0]).toBe(0);
  });
});

describe('MPU configured by firmware', () => {
  it('a load from a no-access region: MemManage DACCVIOL with MMFAR, handler skips it', () => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =0xE000ED98
  movs r1, #0
  str r1, [r0]           @ RNR = 0
  ldr r1, =0x20001000
  str r1, [r0, #4]       @ RBAR
  ldr r1, =0x10000017    @ RASR: XN, AP = 0 (no access), SIZE = 11 (4 KB), ENABLE
  str r1, [r0, #8]
  movs r1, #5
  str r1, [r0, #-4]      @ MPU_CTRL = ENABLE | PRIVDEFENA
  ldr r0, =0xE000ED24
  ldr r1, =0x00010000
  str r1, [r0]           @ SHCSR.MEMFAULTENA
  dsb
  isb
  ldr r0, =0x20001010
  ldr r1, [r0]           @ faults
  LOG 2
  bkpt #0

.thumb_func
memmanage:
  ldr r3, =0xE000ED28
  ldr r0, [r3]
  LOGREG r0
  ldr r0, [r3, #12]      @ MMFAR (0xE000ED34)
  LOGREG r0
  ldr r0, [sp, #24]
  adds r0, #2            @ skip the 16-bit LDR
  str r0, [sp, #24]
  bx lr
`);
    const stop = rig.run();
    expect(stop?.kind).toBe('bkpt');
    expect(rig.log()).toEqual([Cfsr.DACCVIOL | Cfsr.MMARVALID, 0x20001010, 2]);
    expect(rig.model.isActive(Exc.MemManage)).toBe(false);
  });
});

describe('cache maintenance from firmware', () => {
  it('the SCB_EnableDCache sequence: 128 sets × 4 ways of DCISW, then CCR.DC', () => {
    const setWay: number[] = [];
    const enables: string[] = [];
    const ignore = () => {};
    const cacheOps: CacheOps = {
      setEnabled: (i, d) => enables.push(`${i} ${d}`),
      invalidateInstructionAll: ignore,
      invalidateInstructionByAddress: ignore,
      invalidateDataByAddress: ignore,
      invalidateDataBySetWay: (v) => setWay.push(v >>> 0),
      cleanDataByAddress: ignore,
      cleanDataBySetWay: ignore,
      cleanInvalidateDataByAddress: ignore,
      cleanInvalidateDataBySetWay: ignore,
      invalidateBranchPredictor: ignore,
    };
    const rig = programRig(
      `
.thumb_func
reset:
  ldr r0, =0xE000ED84    @ CSSELR = 0: level 1 data cache
  movs r1, #0
  str r1, [r0]
  dsb
  ldr r0, =0xE000ED80
  ldr r1, [r0]           @ CCSIDR
  ubfx r2, r1, #13, #15  @ NumSets - 1
  ubfx r3, r1, #3, #10   @ Associativity - 1
  ldr r6, =0xE000EF60    @ DCISW
sets:
  mov r4, r3
ways:
  lsls r5, r4, #30
  orr r5, r5, r2, lsl #5
  str r5, [r6]
  subs r4, #1
  bpl ways
  subs r2, #1
  bpl sets
  dsb
  ldr r0, =0xE000ED14
  ldr r1, [r0]
  orr r1, r1, #0x10000   @ CCR.DC
  str r1, [r0]
  dsb
  isb
  bkpt #0
`,
      { cacheOps },
    );
    expect(rig.run()?.kind).toBe('bkpt');
    expect(setWay).toHaveLength(128 * 4);
    expect(setWay[0]).toBe(0xc0000fe0); // way 3 (bits 31:30), set 127 (bits 11:5)
    expect(setWay[setWay.length - 1]).toBe(0);
    expect(new Set(setWay).size).toBe(512);
    expect(enables).toEqual(['false true']);
  });
});
