/**
 * Loads, stores, LDM/STM, exclusives, table branches, branches (ARMv7-M ARM A7.7, A3.2 alignment, A3.4
 * exclusives). Memory layout from asm.ts: code at 0, RAM at 0x20000000, SP at 0x20010000.
 */
import { describe, expect, it } from 'vitest';
import { CpuHalt, FaultKind } from '../src/index.js';
import { machine, RAM_BASE, run, runUntilEnd } from './asm.js';

const R = RAM_BASE;

function word(ram: Uint8Array, offset: number): number {
  return (ram[offset] | (ram[offset + 1] << 8) | (ram[offset + 2] << 16) | (ram[offset + 3] << 24)) >>> 0;
}

function expectHalt(fn: () => void, kind: FaultKind | null, reason: CpuHalt['reason'] = 'fault'): CpuHalt {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CpuHalt);
    const h = e as CpuHalt;
    expect(h.reason).toBe(reason);
    if (kind !== null) expect(h.faultKind).toBe(kind);
    return h;
  }
  throw new Error('expected a CpuHalt');
}

describe('single loads and stores', () => {
  it('byte/halfword sign and zero extension', () => {
    // str 0x80ff8081 at R; ldrb [R] = 0x81; ldrsb = 0xffffff81; ldrh = 0x8081; ldrsh = 0xffff8081;
    // ldrh [R+2] = 0x80ff; ldrsb [R+2] = 0xffffffff.
    const { cpu } = run('str r1, [r0]\nldrb r2, [r0]\nldrsb r3, [r0]\nldrh r4, [r0]\nldrsh r5, [r0]\nldrh r6, [r0, #2]\nldrsb.w r7, [r0, #2]', { 0: R, 1: 0x80ff8081 });
    const r = cpu.state.r;
    expect([r[2], r[3], r[4], r[5], r[6], r[7]]).toEqual([0x81, 0xffffff81, 0x8081, 0xffff8081, 0x80ff, 0xffffffff]);
  });

  it('pre- and post-indexed writeback, negative offsets, register offsets', () => {
    // str r1, [r0, #4]! → r0 = R+4, mem[R+4] = r1. str r2, [r0], #-4 → mem[R+4] = r2, r0 = R.
    // ldr r3, [r0, #4] → r2. ldr r4, [r0, r5, lsl #2] with r5 = 1 → mem[R+4] = r2.
    // strb r1, [r0, #-1]! needs r0 > R: use r6 = R+8: strb r1, [r6, #-1]! → mem[R+7] = 0x11, r6 = R+7.
    const { cpu, ram } = run('str r1, [r0, #4]!\nstr r2, [r0], #-4\nldr r3, [r0, #4]\nldr.w r4, [r0, r5, lsl #2]\nstrb r1, [r6, #-1]!',
      { 0: R, 1: 0x11, 2: 0x22, 5: 1, 6: R + 8 });
    const r = cpu.state.r;
    expect(r[0]).toBe(R);
    expect(r[3]).toBe(0x22);
    expect(r[4]).toBe(0x22);
    // mem[R+4] = 0x22 then the strb put 0x11 in its top byte (R+7).
    expect(word(ram, 4)).toBe(0x11000022);
    expect(r[6]).toBe(R + 7);
  });

  it('literal loads (LDR, LDRD) use Align(PC, 4)', () => {
    // The pool after the code: .word values. ldr r0, =x style via labels.
    const { cpu } = run('ldr r0, 1f\nldr.w r1, 1f\nldrd r2, r3, 1f\nb 2f\n.align 2\n1: .word 0xcafef00d\n.word 0x12345678\n2:\n');
    expect(cpu.state.r[0]).toBe(0xcafef00d);
    expect(cpu.state.r[1]).toBe(0xcafef00d);
    expect(cpu.state.r[2]).toBe(0xcafef00d);
    expect(cpu.state.r[3]).toBe(0x12345678);
  });

  it('LDRD/STRD with writeback', () => {
    // strd r1, r2, [r0, #8]! → mem[R+8]=r1, mem[R+12]=r2, r0 = R+8; ldrd r3, r4, [r0], #-8 → r0 = R.
    const { cpu, ram } = run('strd r1, r2, [r0, #8]!\nldrd r3, r4, [r0], #-8', { 0: R, 1: 0xaaaa, 2: 0xbbbb });
    expect(word(ram, 8)).toBe(0xaaaa);
    expect(word(ram, 12)).toBe(0xbbbb);
    expect([cpu.state.r[0], cpu.state.r[3], cpu.state.r[4]]).toEqual([R, 0xaaaa, 0xbbbb]);
  });

  it('unaligned LDR/STR are allowed (A3.2.1), little-endian', () => {
    // str r1 at R+1: bytes 78 56 34 12 at R+1..R+4; ldr from R+1 gives it back; ldrh from R+3 = 0x1234.
    const { cpu, ram } = run('str r1, [r0, #1]\nldr r2, [r0, #1]\nldrh r3, [r0, #3]', { 0: R, 1: 0x12345678 });
    expect([ram[1], ram[2], ram[3], ram[4]]).toEqual([0x78, 0x56, 0x34, 0x12]);
    expect(cpu.state.r[2]).toBe(0x12345678);
    expect(cpu.state.r[3]).toBe(0x1234);
  });

  it('unaligned LDR faults when CCR.UNALIGN_TRP', () => {
    const m = machine('ldr r2, [r0, #1]', { 0: R });
    m.cpu.unalignedTrap = true;
    expectHalt(() => m.cpu.step(), FaultKind.Unaligned);
  });

  it('unaligned LDRD and LDM always fault', () => {
    expectHalt(() => run('ldrd r2, r3, [r0]', { 0: R + 2 }), FaultKind.Unaligned);
    expectHalt(() => run('ldm r0, {r1, r2}', { 0: R + 2 }), FaultKind.Unaligned);
  });

  it('a bus error faults with the address and no base writeback', () => {
    const m = machine('ldr r1, [r0], #4', { 0: 0x40000000 });
    const h = expectHalt(() => m.cpu.step(), FaultKind.BusData);
    expect(h.detail).toBe(0x40000000);
    expect(m.cpu.state.r[0]).toBe(0x40000000);
    expect(m.cpu.state.r[15]).toBe(0); // PC still at the faulting instruction
  });
});

describe('LDM/STM/PUSH/POP', () => {
  it('STMIA and LDMIA with writeback; LDM with the base in the list does not write back', () => {
    // stmia r0!, {r1-r3} → R: 1,2,3 and r0 = R+12. ldmdb r0!, {r4-r6} reads back, r0 = R.
    // ldm r7, {r6, r7} (16-bit, r7 in list): r6 = 1, r7 = 2, no writeback.
    const { cpu, ram } = run('stmia r0!, {r1-r3}\nldmdb r0!, {r4-r6}\nldm r7, {r6, r7}', { 0: R, 1: 1, 2: 2, 3: 3, 7: R });
    const r = cpu.state.r;
    expect([word(ram, 0), word(ram, 4), word(ram, 8)]).toEqual([1, 2, 3]);
    expect(r[0]).toBe(R);
    expect([r[4], r[5]]).toEqual([1, 2]);
    expect([r[6], r[7]]).toEqual([1, 2]);
  });

  it('PUSH/POP order and SP', () => {
    // push {r1, r2, lr}: SP -= 12; lowest register at lowest address. pop {r3, r4, r5}.
    const { cpu, ram } = run('push {r1, r2, lr}\npop {r3, r4, r5}', { 1: 0x11, 2: 0x22, 14: 0xee });
    const top = 0x10000;
    expect([word(ram, top - 12), word(ram, top - 8), word(ram, top - 4)]).toEqual([0x11, 0x22, 0xee]);
    expect([cpu.state.r[3], cpu.state.r[4], cpu.state.r[5]]).toEqual([0x11, 0x22, 0xee]);
    expect(cpu.state.r[13]).toBe(R + top);
  });

  it('POP {pc} returns through an interworking branch', () => {
    // bl f; then end. f: push {lr}; movs r0, #9; pop {pc}.
    const { cpu } = run('bl 1f\nb 2f\n1: push {lr}\nmovs r0, #9\npop {pc}\n2:\n');
    expect(cpu.state.r[0]).toBe(9);
    expect(cpu.state.r[14]).toBe(5); // return address 4 | 1
  });
});

describe('exclusives', () => {
  it('STREX succeeds after LDREX to the same address, fails after CLREX or without LDREX', () => {
    // ldrex r1, [r0]; add; strex r3, r1, [r0] → r3 = 0, mem = old + 1.
    // strex r4, r1, [r0] again (monitor now open) → r4 = 1.
    // ldrex; clrex; strex r5 → 1.
    const src = 'ldrex r1, [r0]\nadds r1, #1\nstrex r3, r1, [r0]\nstrex r4, r1, [r0]\nldrex r2, [r0]\nclrex\nstrex r5, r2, [r0]\nldrexb r6, [r0]\nstrexb r7, r6, [r0]';
    const { cpu, ram } = run(src, { 0: R, 3: 9, 4: 9, 5: 9, 7: 9 });
    expect(word(ram, 0)).toBe(1);
    expect([cpu.state.r[3], cpu.state.r[4], cpu.state.r[5], cpu.state.r[7]]).toEqual([0, 1, 1, 0]);
  });
  it('unaligned LDREX faults', () => {
    expectHalt(() => run('ldrex r1, [r0]', { 0: R + 2 }), FaultKind.Unaligned);
  });
});

describe('branches', () => {
  it('TBB and TBH', () => {
    // Table entries are halfword counts from the end of the TB instruction (PC read value).
    const tbb = `tbb [pc, r0]
1: .byte (2f-1b)/2, (3f-1b)/2
2: movs r1, #1
   b 4f
3: movs r1, #2
4:`;
    expect(run(tbb, { 0: 0 }).cpu.state.r[1]).toBe(1);
    expect(run(tbb, { 0: 1 }).cpu.state.r[1]).toBe(2);
    const tbh = `tbh [pc, r0, lsl #1]
1: .hword (2f-1b)/2, (3f-1b)/2
2: movs r1, #1
   b 4f
3: movs r1, #2
4:`;
    expect(run(tbh, { 0: 1 }).cpu.state.r[1]).toBe(2);
  });

  it('CBZ/CBNZ, BL/BX LR, B.W backwards loop', () => {
    // loop: r0 counts 5 down to 0 with subs/bne; cbz skips; bl/bx.
    const src = `movs r0, #5
1: adds r1, #2
subs r0, #1
bne.w 1b
cbz r0, 2f
movs r2, #99
2: cbnz r1, 3f
movs r3, #99
3: bl 4f
b 5f
4: movs r4, #7
bx lr
5:`;
    const { cpu } = run(src);
    const r = cpu.state.r;
    expect([r[1], r[2], r[3], r[4]]).toEqual([10, 0, 0, 7]);
  });

  it('BX to an even address faults INVSTATE on the next instruction', () => {
    const m = machine('bx r0\nnop', { 0: 0x2 });
    m.cpu.step(); // the BX completes: EPSR.T = 0, PC = 2
    expect(m.cpu.state.thumb).toBe(0);
    expect(m.cpu.state.r[15]).toBe(2);
    expectHalt(() => m.cpu.step(), FaultKind.InvalidState);
  });

  it('BLX register sets LR to the return address | 1', () => {
    const { cpu } = run('ldr r0, =1f+1\nblx r0\nb 2f\n1: bx lr\n.ltorg\n2:');
    expect(cpu.state.r[14]).toBe(5); // blx at 2..3 → return 4 | 1
  });
});

describe('decode cache', () => {
  it('a store over decoded code is seen by the next execution', () => {
    // Loop twice over "movs r1, #1"; after the first pass the code patches it to "movs r1, #2" (0x2102).
    const src = `movs r3, #2
1: adr r4, 2f
2: movs r1, #1
   adds r5, r5, r1
   movw r6, #0x2102
   strh r6, [r4]
   subs r3, #1
   bne 1b`;
    // Code must be writable: machine() puts it in RAM-like FlatBus memory at 0.
    const m = machine(src);
    runUntilEnd(m);
    expect(m.cpu.state.r[5]).toBe(3); // 1 + 2
  });

  it('a store into the second halfword of a decoded 32-bit instruction is seen', () => {
    // movw r0, #1 is f240 0001; the second pass finds its second halfword patched to 0x0002 (movw r0, #2).
    const src = `movs r3, #2
1: adr r4, 2f
2: movw r0, #1
   adds r5, r5, r0
   movs r6, #2
   strh r6, [r4, #2]
   subs r3, #1
   bne 1b`;
    const m = machine(src);
    runUntilEnd(m);
    expect(m.cpu.state.r[5]).toBe(3); // 1 + 2
  });

  it('a 32-bit instruction straddling a 4 KiB page is invalidated through its second halfword', () => {
    // movw r0, #1 (f240 0001) at 0xffe: its second halfword is the first of the next page.
    const m = machine('b.w 1f\n.space 0xffe - 4\n1: movw r0, #1\nnop');
    m.cpu.step();
    expect(m.cpu.state.r[15]).toBe(0xffe);
    m.cpu.step();
    expect(m.cpu.state.r[0]).toBe(1);
    m.bus.write16(0x1000, 0x0005); // now movw r0, #5
    m.cpu.invalidateCode(0x1000, 2);
    m.cpu.state.r[15] = 0xffe;
    m.cpu.step();
    expect(m.cpu.state.r[0]).toBe(5);
  });

  it('invalidateCode after an external write', () => {
    const m = machine('movs r0, #1\nb 1f\n1:');
    m.cpu.step();
    expect(m.cpu.state.r[0]).toBe(1);
    m.bus.write16(0, 0x2005); // movs r0, #5
    m.cpu.invalidateCode(0, 2);
    m.cpu.state.r[15] = 0;
    m.cpu.step();
    expect(m.cpu.state.r[0]).toBe(5);
  });
});
