/**
 * System instructions (ARMv7-M ARM B5.2 MRS/MSR/CPS), SVC/BKPT/UDF/coprocessor faults, exception return,
 * and the core's contract with the CycleModel and the Clock.
 */
import { describe, expect, it } from 'vitest';
import { Cpu, CpuHalt, FaultKind, Outcome, type CycleModel, type TimingInfo } from '../src/index.js';
import { machine, RAM_BASE, run, runUntilEnd } from './asm.js';

function halt(fn: () => void): CpuHalt {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CpuHalt);
    return e as CpuHalt;
  }
  throw new Error('expected a CpuHalt');
}

describe('MRS/MSR', () => {
  it('APSR_nzcvq and APSR_g', () => {
    // msr apsr_nzcvq, 0xf8000000 → N Z C V Q all set; msr apsr_g, 0x000f0000 → GE = 1111.
    // mrs apsr = 0xf80f0000. mrs ipsr = 0 (Thread mode). mrs epsr reads as zero.
    const src = 'msr apsr_nzcvq, r0\nmsr apsr_g, r1\nmrs r2, apsr\nmrs r3, ipsr\nmrs r4, epsr\nmrs r5, xpsr';
    const { cpu } = run(src, { 0: 0xf8000000, 1: 0x000f0000, 3: 7, 4: 7 });
    const r = cpu.state.r;
    expect([r[2], r[3], r[4], r[5]]).toEqual([0xf80f0000, 0, 0, 0xf80f0000]);
  });

  it('APSR_nzcvqg writes both; unwritten fields keep their value', () => {
    // msr apsr_nzcvq with 0 clears flags but leaves GE.
    const { cpu } = run('msr apsr_nzcvqg, r0\nmsr apsr_nzcvq, r1\nmrs r2, apsr', { 0: 0xffffffff, 1: 0 });
    expect(cpu.state.r[2]).toBe(0x000f0000);
  });

  it('PRIMASK, FAULTMASK, BASEPRI and BASEPRI_MAX', () => {
    // basepri = 0x40; basepri_max 0x80 is lower priority → ignored; 0x20 raises priority → taken.
    const src = 'msr primask, r0\nmrs r6, primask\nmsr basepri, r1\nmsr basepri_max, r2\nmrs r7, basepri\nmsr basepri_max, r3\nmrs r8, basepri\ncpsid f\nmrs r9, faultmask';
    const { cpu } = run(src, { 0: 1, 1: 0x40, 2: 0x80, 3: 0x20 });
    const r = cpu.state.r;
    expect([r[6], r[7], r[8], r[9]]).toEqual([1, 0x40, 0x20, 1]);
  });

  it('CPSID/CPSIE i', () => {
    const { cpu } = run('cpsid i\nmrs r0, primask\ncpsie i\nmrs r1, primask');
    expect([cpu.state.r[0], cpu.state.r[1]]).toEqual([1, 0]);
  });

  it('CONTROL.SPSEL switches the active stack in Thread mode', () => {
    // psp = R + 0x100; control = 2 → SP reads PSP; mrs msp still gives the old SP (top of RAM).
    const src = 'msr psp, r0\nmsr control, r1\nisb\nmov r2, sp\nmrs r3, msp\nmrs r4, control';
    const { cpu } = run(src, { 0: RAM_BASE + 0x100, 1: 2 });
    const r = cpu.state.r;
    expect([r[2], r[3], r[4]]).toEqual([RAM_BASE + 0x100, RAM_BASE + 0x10000, 2]);
  });

  it('unprivileged Thread mode cannot write masks or read stack pointers', () => {
    // control = 1 (nPRIV). msr primask ignored; mrs msp reads 0; mrs primask reads 0; APSR still writable.
    const src = 'msr control, r0\nmsr primask, r0\nmrs r1, msp\nmrs r2, primask\nmsr apsr_nzcvq, r3\nmrs r4, apsr';
    const { cpu } = run(src, { 0: 1, 1: 9, 2: 9, 3: 0x80000000 });
    expect(cpu.state.primask).toBe(0);
    expect([cpu.state.r[1], cpu.state.r[2], cpu.state.r[4]]).toEqual([0, 0, 0x80000000]);
  });
});

describe('exceptions raised by instructions', () => {
  it('SVC reports its immediate with PC past it', () => {
    const m = machine('nop\nsvc #5');
    m.cpu.step();
    const h = halt(() => m.cpu.step());
    expect(h.reason).toBe('svc');
    expect(h.detail).toBe(5);
    expect(m.cpu.state.r[15]).toBe(4);
  });

  it('BKPT keeps PC at the BKPT', () => {
    const m = machine('bkpt #3');
    const h = halt(() => m.cpu.step());
    expect(h.reason).toBe('bkpt');
    expect(h.detail).toBe(3);
    expect(m.cpu.state.r[15]).toBe(0);
  });

  it('UDF and non-FP coprocessor encodings fault', () => {
    expect(halt(() => run('udf #1')).faultKind).toBe(FaultKind.Undefined);
    expect(halt(() => run('udf.w #1')).faultKind).toBe(FaultKind.Undefined);
    expect(halt(() => run('mcr p0, 0, r0, c0, c0, 0')).faultKind).toBe(FaultKind.NoCoprocessor);
  });

  it('an instruction skipped by IT does not fault', () => {
    // cmp r0, r0 → EQ; "udfne" is never executed.
    const { cpu } = run('cmp r0, r0\nit ne\nudfne #0\nmovs r1, #1');
    expect(cpu.state.r[1]).toBe(1);
  });

  it('BX LR with EXC_RETURN in Handler mode is an exception return; in Thread mode just a branch target', () => {
    const m = machine('bx lr', { 14: 0xfffffff9 });
    m.cpu.state.ipsr = 3;
    const h = halt(() => m.cpu.step());
    expect(h.reason).toBe('exception-return');
    expect(h.detail).toBe(0xfffffff9);
  });
});

describe('run loop contract', () => {
  it('charges one cycle per instruction without a cycle model, counting IT-skipped instructions', () => {
    const m = machine('cmp r0, r0\nite eq\nmoveq r1, #1\nmovne r1, #2');
    runUntilEnd(m);
    expect(m.cpu.instructions).toBe(4);
    expect(m.cpu.clock.cycles).toBe(4);
  });

  it('reports data accesses and retires through the cycle model', () => {
    const accesses: string[] = [];
    const retired: [number, number, number][] = [];
    const model: CycleModel = {
      dataAccess(addr, bytes, isWrite) {
        accesses.push(`${isWrite ? 'W' : 'R'}${bytes}@${(addr - RAM_BASE).toString(16)}`);
      },
      retire(pc: number, info: TimingInfo, outcome: number) {
        retired.push([pc, info.cls, outcome]);
        return 3;
      },
      exception: () => 0,
    };
    // push {r0, r1} (two word writes at SP-8, SP-4), ldr, a not-taken bne, a taken b.
    const m = machine('push {r0, r1}\nldr r2, [sp]\ncmp r0, r0\nbne 1f\nb 1f\n1:');
    m.cpu.cycleModel = model;
    runUntilEnd(m);
    expect(accesses).toEqual(['W4@fff8', 'W4@fffc', 'R4@fff8']);
    expect(retired.map((x) => x[2])).toEqual([Outcome.Executed, Outcome.Executed, Outcome.Executed, Outcome.Executed, Outcome.Executed | Outcome.BranchTaken]);
    expect(retired.map((x) => x[0])).toEqual([0, 2, 4, 6, 8]);
    expect(m.cpu.clock.cycles).toBe(15);
  });

  it('calls a pricing function a model left on a record (timingHandle) in place of retire, until the model changes', () => {
    const calls: string[] = [];
    const handled: CycleModel = {
      dataAccess() {},
      retire(_pc: number, info: TimingInfo) {
        calls.push('retire');
        info.timingHandle = (model: CycleModel) => {
          calls.push(model === handled ? 'handle' : 'handle of another model');
          return 2;
        };
        return 2;
      },
      exception: () => 0,
    };
    const m = machine('1: adds r0, #1\nb 1b');
    m.cpu.cycleModel = handled;
    m.cpu.run(4);
    expect(calls).toEqual(['retire', 'retire', 'handle', 'handle']);
    expect(m.cpu.clock.cycles).toBe(8);
    // A new model: the records are decoded again, so the old model's functions are never called.
    const plain: CycleModel = { dataAccess() {}, retire: () => (calls.push('plain'), 1), exception: () => 0 };
    m.cpu.cycleModel = plain;
    m.cpu.run(2);
    expect(calls.slice(4)).toEqual(['plain', 'plain']);
  });

  it('runs due clock events between instructions and stops at a cycle budget', () => {
    const m = machine('1: adds r0, #1\nb 1b');
    const cpu = m.cpu;
    const seen: number[] = [];
    // The event at cycle 10 runs after the 10th instruction (one cycle each).
    cpu.clock.schedule(10, (at) => seen.push(at, cpu.instructions));
    const n = cpu.run(1_000, 25);
    expect(seen).toEqual([10, 10]);
    expect(n).toBe(25);
    expect(cpu.clock.cycles).toBe(25);
    // 25 instructions alternate adds/b: 13 adds.
    expect(cpu.state.r[0]).toBe(13);
  });

  it('stopRequested ends run()', () => {
    const m = machine('1: adds r0, #1\nb 1b');
    m.cpu.clock.schedule(7, () => { m.cpu.stopRequested = true; });
    expect(m.cpu.run(1000)).toBe(7);
  });

  it('resetFromVectorTable loads MSP and PC', () => {
    const m = machine('.word 0x20008000\n.word 9\nmovs r0, #1');
    m.cpu.resetFromVectorTable(0);
    expect(m.cpu.state.r[13]).toBe(0x20008000);
    expect(m.cpu.state.r[15]).toBe(8);
    m.cpu.step();
    expect(m.cpu.state.r[0]).toBe(1);
  });
});

describe('BKPT in an IT block', () => {
  it('executes even when the IT condition fails (A7.7.17)', () => {
    // cmp r0, r0 → EQ; "it ne" makes the next instruction conditional on NE, which fails: BKPT still executes.
    const m = machine('cmp r0, r0\nit ne\n.hword 0xbe07 @ bkpt #7 (the assembler refuses a conditional BKPT)');
    m.cpu.step();
    m.cpu.step();
    const h = halt(() => m.cpu.step());
    expect(h.reason).toBe('bkpt');
    expect(h.detail).toBe(7);
  });
});

describe('Cpu construction and reset', () => {
  it('requires a bus', () => {
    expect(() => new Cpu({} as never)).toThrow(/bus is required/);
  });

  it('run(0) executes nothing; reset() clears registers, flags and masks but not memory', () => {
    const m = machine('movs r0, #3\nmsr primask, r0');
    expect(m.cpu.run(0)).toBe(0);
    m.cpu.run(2);
    expect(m.cpu.state.primask).toBe(1);
    m.cpu.reset();
    expect(Array.from(m.cpu.state.r)).toEqual(new Array(16).fill(0));
    expect([m.cpu.state.primask, m.cpu.state.z, m.cpu.state.thumb, m.cpu.state.exclusiveAddress]).toEqual([0, 0, 1, -1]);
    m.cpu.step();
    expect(m.cpu.state.r[0]).toBe(3); // code still there, and still decoded correctly
  });
});
