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

/**
 * MPU region `n` at `base` (a number, or a label: RBAR ignores its low bits) with RASR `rasr`, then
 * MPU_CTRL = ENABLE | PRIVDEFENA and SHCSR.MEMFAULTENA.
 */
const region = (n: number, base: number | string, rasr: number) => `
  ldr r0, =0xE000ED98
  movs r1, #${n}
  str r1, [r0]           @ MPU_RNR
  ldr r1, =${typeof base === 'number' ? `0x${base.toString(16)}` : base}
  str r1, [r0, #4]       @ MPU_RBAR
  ldr r1, =0x${rasr.toString(16)}
  str r1, [r0, #8]       @ MPU_RASR
  movs r1, #5
  str r1, [r0, #-4]      @ MPU_CTRL = ENABLE | PRIVDEFENA
  ldr r0, =0xE000ED24
  ldr r1, =0x00010000
  str r1, [r0]           @ SHCSR.MEMFAULTENA
  dsb
  isb`;

/**
 * Unprivileged code has no background map (B3.5.1): regions 0 and 1 give it the flash (64 KB) and the
 * RAM (128 KB) in full (AP = 0b011).
 */
const FLASH_AND_RAM_FOR_ALL = `${region(0, 0x08000000, (3 << 24) | (15 << 1) | 1)}
${region(1, 0x20000000, (3 << 24) | (16 << 1) | 1)}`;

describe('MPU configured by firmware', () => {
  it('a load from a no-access region: MemManage DACCVIOL with MMFAR, handler skips it', () => {
    const rig = programRig(`
.thumb_func
reset:
  @ region 0: XN, AP = 0 (no access), SIZE = 11 (4 KB), ENABLE
${region(0, 0x20001000, 0x10000017)}
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

describe('MPU permissions enforced by the core', () => {
  /** A MemManage handler that logs CFSR, MMFAR and the stacked PC, then stops. */
  const logAndStop = `
.thumb_func
memmanage:
  ldr r3, =0xE000ED28
  ldr r0, [r3]
  LOGREG r0
  ldr r0, [r3, #12]
  LOGREG r0
  ldr r0, [sp, #24]
  LOGREG r0
  bkpt #0`;
  const AP_READ_ONLY = 6 << 24;
  const AP_PRIVILEGED_ONLY = 1 << 24;
  const XN = 1 << 28;
  const SIZE_4KB = 11 << 1;

  it('a store to a read-only region: DACCVIOL with MMFAR; loads from it still work', () => {
    const rig = programRig(`
.thumb_func
reset:
${region(0, 0x20004000, AP_READ_ONLY | SIZE_4KB | 1)}
  ldr r4, =0x20004008
  ldr r5, [r4]           @ allowed
  LOG 1
  str r5, [r4]           @ refused
  LOG 2
  bkpt #0
${logAndStop}
`);
    expect(rig.run()?.kind).toBe('bkpt');
    const storePc = rig.log()[3];
    expect(rig.log()).toEqual([1, Cfsr.DACCVIOL | Cfsr.MMARVALID, 0x20004008, storePc]);
    expect(rig.memory.read16(storePc)).toBe(0x6025); // str r5, [r4]: the faulting instruction is stacked
  });

  it('an unaligned load that runs from an open page into a refused one faults at the refused part', () => {
    // Region 0: no access at 0x20010000 (4 KB). The word at 0x2000FFFE is split into halfwords at
    // 0x2000FFFE and 0x20010000; the second is refused, and MMFAR holds its address (B3.2.16).
    const rig = programRig(`
.thumb_func
reset:
${region(0, 0x20010000, SIZE_4KB | 1)}
  ldr r4, =0x2000FFFC
  ldr r5, [r4]           @ aligned, below the region: allowed
  LOG 1
  ldr r4, =0x2000FFFE
  ldr r5, [r4]           @ unaligned, into the region: refused
  LOG 2
  bkpt #0
${logAndStop}
`);
    expect(rig.run()?.kind).toBe('bkpt');
    expect(rig.log().slice(0, 3)).toEqual([1, Cfsr.DACCVIOL | Cfsr.MMARVALID, 0x20010000]);
  });

  it('unprivileged thread code is refused a privileged-only region that handler code may read', () => {
    // Regions 0 and 1 give unprivileged code the flash and the RAM; region 2, numbered higher, wins over
    // region 1 for its 4 KB.
    const rig = programRig(`
.thumb_func
reset:
${FLASH_AND_RAM_FOR_ALL}
${region(2, 0x20004000, AP_PRIVILEGED_ONLY | SIZE_4KB | 1)}
  ldr r4, =0x20004000
  ldr r1, =0x1234
  str r1, [r4]           @ privileged: allowed
  svc #0                 @ the handler reads it too
  movs r0, #1
  msr control, r0        @ CONTROL.nPRIV: thread code is unprivileged from here
  isb
  ldr r5, [r4]           @ refused
  LOG 2
  bkpt #0

.thumb_func
svcall:
  ldr r0, [r4]
  LOGREG r0
  bx lr
${logAndStop}
`);
    expect(rig.run()?.kind).toBe('bkpt');
    expect(rig.log().slice(0, 3)).toEqual([0x1234, Cfsr.DACCVIOL | Cfsr.MMARVALID, 0x20004000]);
  });

  it('code decoded by privileged code is refused when unprivileged thread code runs it (fetch per privilege)', () => {
    // Regions 0 and 1 give unprivileged code the flash and the RAM; region 2, a 4 KB page of flash
    // holding privileged_fn, is privileged-only (AP = 0b001). The SVC handler's call decodes it.
    const rig = programRig(`
.thumb_func
reset:
${FLASH_AND_RAM_FOR_ALL}
${region(2, 'privileged_fn', AP_PRIVILEGED_ONLY | SIZE_4KB | 1)}
  movs r0, #1
  msr control, r0        @ CONTROL.nPRIV: thread code is unprivileged
  isb
  svc #0                 @ the handler (privileged) calls privileged_fn: decoded and run
  bl privileged_fn       @ the same instructions from unprivileged thread code: refused
  LOG 2
  bkpt #0

.thumb_func
svcall:
  push {lr}
  bl privileged_fn
  LOGREG r0
  pop {pc}
${logAndStop}

.balign 4096
.thumb_func
privileged_fn:
  movs r0, #42
  bx lr
`);
    expect(rig.run()?.kind).toBe('bkpt');
    const log = rig.log();
    expect([log[0], log[1]]).toEqual([42, Cfsr.IACCVIOL]);
    expect(log[3] % 4096).toBe(0); // the stacked PC: privileged_fn's first instruction
    expect(log[3]).toBeGreaterThan(0x08000000);
  });

  it('executing from an XN region: IACCVIOL, no address, the stacked PC is the refused instruction', () => {
    const rig = programRig(`
.thumb_func
reset:
${region(0, 0x20004000, XN | (3 << 24) | SIZE_4KB | 1)}
  ldr r0, =0x20004101
  bx r0
${logAndStop}
`);
    expect(rig.run()?.kind).toBe('bkpt');
    expect(rig.log()).toEqual([Cfsr.IACCVIOL, 0, 0x20004100]);
  });

  it("the default map's execute-never regions refuse a fetch with the MPU off (B3.1 Table B3-1)", () => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =0xE000ED24
  ldr r1, =0x00010000
  str r1, [r0]           @ SHCSR.MEMFAULTENA
  ldr r0, =0x40011001    @ a peripheral (Device, XN): a corrupt function pointer
  bx r0
${logAndStop}
`);
    expect(rig.run()?.kind).toBe('bkpt');
    expect(rig.log()).toEqual([Cfsr.IACCVIOL, 0, 0x40011000]);
  });

  it('a thread stack that runs into a no-access guard region: MSTKERR when the exception frame is pushed', () => {
    const rig = programRig(`
.thumb_func
reset:
${region(0, 0x20004000, SIZE_4KB | 1)}
  ldr r0, =0x20005010    @ PSP 16 bytes above the guard: a 32-byte frame reaches into it
  msr psp, r0
  movs r0, #2
  msr control, r0        @ thread code on PSP
  isb
  svc #0
  bkpt #1

.thumb_func
svcall:
  LOG 11
  bkpt #0

.thumb_func
memmanage:
  ldr r3, =0xE000ED28
  ldr r0, [r3]
  LOGREG r0
  bkpt #0
`);
    expect(rig.run()?.kind).toBe('bkpt');
    const log = rig.log();
    const cfsr = log.find((v) => v !== 11);
    expect(cfsr).toBe(Cfsr.MSTKERR);
    expect(rig.model.isActive(Exc.MemManage) || rig.model.isPending(Exc.MemManage)).toBe(true);
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
