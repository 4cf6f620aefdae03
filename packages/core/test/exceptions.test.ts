import { describe, expect, it } from 'vitest';
import { FaultKind } from '../src/exception-host.js';
import type { CycleModel } from '../src/cycle-model.js';
import { Cfsr, Exc, HFSR_DEBUGEVT, HFSR_FORCED, HFSR_VECTTBL, SCR_SLEEPONEXIT } from '../src/exceptions.js';
import { RESET_HANDLER, STACK_TOP, VTOR, handlerOf, makeRig } from './exceptions-helpers.js';

// Expected values below come from the ARMv7-M ARM (DDI 0403E) B1.5 pseudocode, worked by hand.

describe('reset (B1.5.5 TakeReset)', () => {
  it('loads MSP from [VTOR] and PC from [VTOR+4] with T from bit 0', () => {
    const { state, model } = makeRig();
    expect(state.getMsp()).toBe(STACK_TOP);
    expect(state.r[13]).toBe(STACK_TOP);
    expect(state.r[15]).toBe(RESET_HANDLER);
    expect(state.thumb).toBe(1);
    expect(state.r[14]).toBe(0xffffffff);
    expect(state.ipsr).toBe(0);
    expect(model.vtor).toBe(VTOR);
    expect(model.ccr).toBe(0x00040200);
    expect(model.fpccr).toBe(0xc0000000);
  });

  it('a reset vector with bit 0 clear gives T = 0 (the first instruction then faults INVSTATE)', () => {
    const rig = makeRig();
    rig.bus.write32(VTOR + 4, 0x08000400);
    rig.model.reset(VTOR);
    expect(rig.state.thumb).toBe(0);
  });

  it('locks up when the vector table cannot be read', () => {
    const rig = makeRig();
    rig.model.reset(0x10000000);
    expect(rig.model.lockedUp).toBe(true);
    expect(rig.stops[0].kind).toBe('lockup');
  });
});

describe('exception entry and return (B1.5.6, B1.5.8)', () => {
  it('stacks the basic frame, sets LR = 0xFFFFFFF9, jumps to the vector and charges 12 cycles', () => {
    const { state, model, clock, read32 } = makeRig();
    for (let i = 0; i < 13; i++) state.r[i] = 0x1000 + i;
    state.r[14] = 0x08000555;
    state.r[15] = 0x08000500;
    state.n = 1;
    state.c = 1;
    model.setIrqEnabled(5, true);
    model.pendIrq(5);
    expect(model.attention).toBe(true);
    model.service();
    const frame = STACK_TOP - 0x20;
    expect(state.r[13]).toBe(frame);
    expect([0, 4, 8, 12, 16, 20, 24].map((o) => read32(frame + o))).toEqual([
      0x1000, 0x1001, 0x1002, 0x1003, 0x100c, 0x08000555, 0x08000500,
    ]);
    // xPSR: N (31), C (29), T (24), IPSR 0, bit 9 clear (SP was 8-byte aligned).
    expect(read32(frame + 28)).toBe(0xa1000000);
    expect(state.r[14]).toBe(0xfffffff9);
    expect(state.r[15]).toBe(handlerOf(16 + 5));
    expect(state.ipsr).toBe(21);
    expect(model.isActive(21)).toBe(true);
    expect(model.isPending(21)).toBe(false);
    expect(clock.cycles).toBe(12); // hw-facts.md §1.6

    state.r[0] = 0xdead;
    model.exceptionReturn(state.r[14]);
    expect(state.r[0]).toBe(0x1000);
    expect(state.r[12]).toBe(0x100c);
    expect(state.r[14]).toBe(0x08000555);
    expect(state.r[15]).toBe(0x08000500);
    expect(state.ipsr).toBe(0);
    expect(state.n).toBe(1);
    expect(state.c).toBe(1);
    expect(state.r[13]).toBe(STACK_TOP);
    expect(model.isActive(21)).toBe(false);
  });

  it('realigns a 4-byte aligned stack to 8 bytes and records it in xPSR bit 9', () => {
    const { state, model, read32 } = makeRig();
    state.r[13] = 0x2001fffc;
    model.pendPendSV();
    model.service();
    // (0x2001FFFC - 0x20) & ~7 = 0x2001FFD8
    expect(state.r[13]).toBe(0x2001ffd8);
    expect((read32(0x2001ffd8 + 28) >>> 9) & 1).toBe(1);
    model.exceptionReturn(state.r[14]);
    expect(state.r[13]).toBe(0x2001fffc);
  });

  it('returns to Thread mode on the process stack (EXC_RETURN 0xFFFFFFFD)', () => {
    const { state, model, read32 } = makeRig();
    state.setPsp(0x20010000);
    state.control = 2;
    state.selectStack();
    state.r[15] = 0x08000600;
    model.pendSysTick();
    model.service();
    expect(state.r[14]).toBe(0xfffffffd);
    expect(state.getPsp()).toBe(0x20010000 - 0x20);
    expect(read32(0x20010000 - 0x20 + 24)).toBe(0x08000600);
    expect(state.r[13]).toBe(STACK_TOP); // the handler runs on MSP
    expect(state.control & 2).toBe(0);
    model.exceptionReturn(0xfffffffd);
    expect(state.control & 2).toBe(2);
    expect(state.r[13]).toBe(0x20010000);
    expect(state.getMsp()).toBe(STACK_TOP);
    expect(state.r[15]).toBe(0x08000600);
  });

  it('SVC: SVCall is taken with the return address after the SVC', () => {
    const { state, model, read32 } = makeRig();
    state.r[15] = 0x08000702; // already advanced past a 2-byte SVC at 0x08000700
    model.svc(3);
    expect(state.ipsr).toBe(Exc.SVCall);
    expect(read32(state.r[13] + 24)).toBe(0x08000702);
  });

  it('SVC with PRIMASK set cannot be taken: it escalates to HardFault (FORCED)', () => {
    const { state, model } = makeRig();
    state.primask = 1;
    model.svc(0);
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(model.hfsr & HFSR_FORCED).toBe(HFSR_FORCED);
  });
});

describe('priorities, preemption and masking (B1.5.4)', () => {
  it('a higher-priority IRQ preempts a lower one; an equal one does not', () => {
    const { state, model } = makeRig();
    for (const irq of [1, 2, 3]) model.setIrqEnabled(irq, true);
    model.setPriority(16 + 1, 0x80);
    model.setPriority(16 + 2, 0x40);
    model.setPriority(16 + 3, 0x80);
    model.pendIrq(1);
    model.service();
    expect(state.ipsr).toBe(17);
    expect(model.executionPriority()).toBe(0x80);

    model.pendIrq(3); // equal priority: stays pending
    expect(model.attention).toBe(false);
    model.service();
    expect(state.ipsr).toBe(17);

    model.pendIrq(2); // 0x40 < 0x80: preempts, nested frame on MSP, LR = 0xFFFFFFF1
    expect(model.attention).toBe(true);
    model.service();
    expect(state.ipsr).toBe(18);
    expect(state.r[14]).toBe(0xfffffff1);
    expect(model.activeExceptionCount).toBe(2);
  });

  it('only 4 priority bits exist: 0x0F reads back 0, 0xFF reads back 0xF0', () => {
    const { model } = makeRig();
    model.setPriority(20, 0x0f);
    expect(model.priority[20]).toBe(0x00);
    model.setPriority(20, 0xff);
    expect(model.priority[20]).toBe(0xf0);
  });

  it('PRIGROUP splits preemption and sub-priority', () => {
    const { state, model } = makeRig();
    model.setIrqEnabled(1, true);
    model.setIrqEnabled(2, true);
    model.setPriority(17, 0x60);
    model.setPriority(18, 0x40);
    // PRIGROUP = 5: group = bits 7:6, so 0x60 and 0x40 are both group 0x40: no preemption.
    model.setPrigroup(5);
    model.pendIrq(1);
    model.service();
    model.pendIrq(2);
    expect(model.attention).toBe(false);
    // PRIGROUP = 3 (HAL_Init's "group 4"): all 4 bits preempt: 0x40 beats 0x60.
    model.setPrigroup(3);
    expect(model.attention).toBe(true);
    model.service();
    expect(state.ipsr).toBe(18);
  });

  it('among pending exceptions of equal group priority, sub-priority then the lower number wins', () => {
    const { model } = makeRig();
    for (const irq of [4, 5, 6]) model.setIrqEnabled(irq, true);
    model.setPrigroup(6); // group = bit 7 only
    model.setPriority(16 + 4, 0x30);
    model.setPriority(16 + 5, 0x10);
    model.setPriority(16 + 6, 0x10);
    model.pendIrq(4);
    model.pendIrq(6);
    model.pendIrq(5);
    expect(model.highestPending()).toBe(16 + 5);
  });

  it('BASEPRI masks priorities at or below it; clearing it lets the IRQ in', () => {
    const { state, model } = makeRig();
    model.setIrqEnabled(7, true);
    model.setIrqEnabled(8, true);
    model.setPriority(16 + 7, 0x40);
    model.setPriority(16 + 8, 0x20);
    state.basepri = 0x40;
    model.maskChanged();
    model.pendIrq(7);
    expect(model.attention).toBe(false);
    model.pendIrq(8);
    expect(model.attention).toBe(true);
    model.service();
    expect(state.ipsr).toBe(16 + 8);
    model.exceptionReturn(state.r[14]);
    expect(model.attention).toBe(false);
    state.basepri = 0;
    model.maskChanged();
    expect(model.attention).toBe(true);
    model.service();
    expect(state.ipsr).toBe(16 + 7);
  });

  it('PRIMASK blocks configurable priorities but not NMI', () => {
    const { state, model } = makeRig();
    state.primask = 1;
    model.maskChanged();
    model.pendSysTick();
    expect(model.attention).toBe(false);
    model.pendNmi();
    model.service();
    expect(state.ipsr).toBe(Exc.Nmi);
  });

  it('a disabled IRQ stays pending and is not taken', () => {
    const { model } = makeRig();
    model.pendIrq(9);
    expect(model.isPending(25)).toBe(true);
    expect(model.attention).toBe(false);
  });
});

describe('tail-chaining and late arrival', () => {
  it('tail-chains into the next pending IRQ without unstacking (same frame, same EXC_RETURN, 6 cycles)', () => {
    const { state, model, clock } = makeRig();
    model.setIrqEnabled(1, true);
    model.setIrqEnabled(2, true);
    model.setPriority(17, 0x40);
    model.setPriority(18, 0x80);
    state.r[15] = 0x08000800;
    model.pendIrq(1);
    model.service();
    const frameSp = state.r[13];
    model.pendIrq(2); // lower priority: waits
    expect(model.attention).toBe(false);
    state.r[0] = 0x77; // the handler's scratch value must survive: no unstack happened
    const before = clock.cycles;
    model.exceptionReturn(state.r[14]);
    expect(state.ipsr).toBe(18);
    expect(state.r[13]).toBe(frameSp);
    expect(state.r[14]).toBe(0xfffffff9);
    expect(state.r[0]).toBe(0x77);
    expect(clock.cycles - before).toBe(6);
    expect(model.tailChains).toBe(1);
    model.exceptionReturn(state.r[14]);
    expect(state.ipsr).toBe(0);
    expect(state.r[15]).toBe(0x08000800);
    expect(state.r[13]).toBe(STACK_TOP);
  });

  it('PendSV pended from the SysTick handler runs after it, by tail-chaining', () => {
    const { state, model } = makeRig();
    model.setPriority(Exc.SysTick, 0xe0);
    model.setPriority(Exc.PendSV, 0xf0);
    model.pendSysTick();
    model.service();
    expect(state.ipsr).toBe(Exc.SysTick);
    model.pendPendSV();
    expect(model.attention).toBe(false); // 0xF0 does not preempt 0xE0
    model.exceptionReturn(state.r[14]);
    expect(state.ipsr).toBe(Exc.PendSV);
    expect(model.isActive(Exc.SysTick)).toBe(false);
  });

  it('a higher-priority IRQ that arrives during stacking is taken instead on the same frame', () => {
    const { state, model, clock } = makeRig();
    model.setIrqEnabled(1, true);
    model.setIrqEnabled(2, true);
    model.setPriority(17, 0x80);
    model.setPriority(18, 0x10);
    clock.schedule(5, () => model.pendIrq(2)); // during the 12 stacking cycles
    model.pendIrq(1);
    model.service();
    expect(state.ipsr).toBe(18);
    expect(model.isPending(17)).toBe(true);
    expect(model.lateArrivals).toBe(1);
    expect(state.r[13]).toBe(STACK_TOP - 0x20); // one frame only
    model.exceptionReturn(state.r[14]); // then IRQ1 by tail-chaining
    expect(state.ipsr).toBe(17);
  });
});

describe('faults (B1.5.6, B3.2.15, B3.2.16)', () => {
  it('UsageFault disabled → HardFault with FORCED, UFSR.UNDEFINSTR, return address = faulting instruction', () => {
    const { state, model, read32 } = makeRig();
    state.r[15] = 0x08000900;
    model.fault(FaultKind.Undefined);
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(model.hfsr).toBe(HFSR_FORCED);
    expect(model.cfsr).toBe(Cfsr.UNDEFINSTR);
    expect(read32(state.r[13] + 24)).toBe(0x08000900);
  });

  it('UsageFault enabled is taken itself, without FORCED', () => {
    const { state, model } = makeRig();
    model.shcsrEnables = 1 << 18;
    model.fault(FaultKind.DivideByZero);
    expect(state.ipsr).toBe(Exc.UsageFault);
    expect(model.hfsr).toBe(0);
    expect(model.cfsr).toBe(Cfsr.DIVBYZERO);
  });

  it('an enabled fault whose priority cannot preempt escalates to HardFault', () => {
    const { state, model } = makeRig();
    model.shcsrEnables = 1 << 18;
    model.setPriority(Exc.UsageFault, 0x80);
    model.setPriority(Exc.SysTick, 0x40);
    model.pendSysTick();
    model.service();
    model.fault(FaultKind.Unaligned, 0x20000001);
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(model.hfsr & HFSR_FORCED).toBe(HFSR_FORCED);
  });

  it('MemManage data violation sets MMARVALID and MMFAR; BusFault sets BFARVALID and BFAR', () => {
    const { state, model } = makeRig();
    model.shcsrEnables = (1 << 16) | (1 << 17);
    model.fault(FaultKind.MpuData, 0x30001234);
    expect(state.ipsr).toBe(Exc.MemManage);
    expect(model.cfsr).toBe(Cfsr.DACCVIOL | Cfsr.MMARVALID);
    expect(model.mmfar).toBe(0x30001234);
    model.fault(FaultKind.BusData, 0xc0000010); // BusFault (0) cannot preempt MemManage (0): HardFault
    expect(model.cfsr & (Cfsr.PRECISERR | Cfsr.BFARVALID)).toBe(Cfsr.PRECISERR | Cfsr.BFARVALID);
    expect(model.bfar).toBe(0xc0000010);
    expect(state.ipsr).toBe(Exc.HardFault);
  });

  it('an imprecise BusFault is pended, not taken inside the instruction; disabled → HardFault FORCED', () => {
    const { state, model } = makeRig();
    model.pendImpreciseBusFault();
    expect(state.ipsr).toBe(0);
    expect(model.cfsr).toBe(Cfsr.IMPRECISERR);
    expect(model.attention).toBe(true);
    model.service();
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(model.hfsr).toBe(HFSR_FORCED);
  });

  it('instruction fetch faults set IACCVIOL / IBUSERR without a valid address register', () => {
    const { model } = makeRig();
    model.fault(FaultKind.MpuFetch, 0x60000000);
    expect(model.cfsr).toBe(Cfsr.IACCVIOL);
    const b = makeRig();
    b.model.fault(FaultKind.BusFetch, 0x60000000);
    expect(b.model.cfsr).toBe(Cfsr.IBUSERR);
  });

  it('a fault inside the HardFault handler locks up and stops the run', () => {
    const { model, stops } = makeRig();
    model.fault(FaultKind.Undefined);
    expect(model.lockedUp).toBe(false);
    model.fault(FaultKind.Undefined);
    expect(model.lockedUp).toBe(true);
    expect(model.lockupReason).toMatch(/UNDEFINSTR.*HardFault handler/);
    expect(stops.map((s) => s.kind)).toEqual(['lockup']);
  });

  it('a fault with FAULTMASK set locks up (execution priority -1)', () => {
    const { state, model } = makeRig();
    state.faultmask = 1;
    model.fault(FaultKind.InvalidState);
    expect(model.lockedUp).toBe(true);
  });

  it('stacking onto unmapped memory: STKERR, escalated to HardFault when BusFault is disabled', () => {
    const { state, model } = makeRig();
    state.r[13] = 0x10000000; // nothing mapped below it
    model.pendPendSV();
    model.service();
    expect(model.cfsr & Cfsr.STKERR).toBe(Cfsr.STKERR);
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(model.hfsr & HFSR_FORCED).toBe(HFSR_FORCED);
    expect(model.isPending(Exc.PendSV)).toBe(true);
  });

  it('unstacking from unmapped memory: UNSTKERR, the fault taken on return', () => {
    const { state, model } = makeRig();
    model.pendPendSV();
    model.service();
    state.r[13] = 0x10000000; // the handler corrupted its stack pointer
    model.exceptionReturn(state.r[14]);
    expect(model.cfsr & Cfsr.UNSTKERR).toBe(Cfsr.UNSTKERR);
    expect(state.ipsr).toBe(Exc.HardFault);
  });
});

describe('more escalation cases', () => {
  it('a vector table read error: HardFault with HFSR.VECTTBL', () => {
    const { state, model, bus } = makeRig();
    // VTOR near the end of the 64 KB flash: IRQ 20's vector (0x0800FF80 + 4*36) is unmapped.
    model.vtor = 0x0800ff80;
    bus.write32(0x0800ff80 + 4 * Exc.HardFault, handlerOf(3) | 1);
    model.setIrqEnabled(20, true);
    model.pendIrq(20);
    model.service();
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(state.r[15]).toBe(handlerOf(3));
    expect(model.hfsr).toBe(HFSR_VECTTBL);
    expect(model.isActive(36)).toBe(false); // IRQ20 was never activated: it stays pending
    expect(model.isPending(36)).toBe(true);
  });

  it('NMI does not preempt NMI; SVC inside NMI locks up', () => {
    const { state, model } = makeRig();
    model.pendNmi();
    model.service();
    model.pendNmi();
    expect(model.attention).toBe(false);
    expect(state.ipsr).toBe(Exc.Nmi);
    model.svc(0);
    expect(model.lockedUp).toBe(true);
  });

  it('exception entry and return are priced by the attached CycleModel, FP frames flagged', () => {
    const calls: string[] = [];
    const cycleModel: CycleModel = {
      dataAccess: () => {},
      retire: () => 1,
      exception: (kind, fp) => {
        calls.push(`${kind}${fp ? '+fp' : ''}`);
        return kind === 'entry' ? 20 : 15;
      },
    };
    const { state, model, clock } = makeRig({ cycleModel });
    model.cpacr = 0x00f00000;
    model.beforeFpInstruction();
    model.pendPendSV();
    model.service();
    model.exceptionReturn(state.r[14]);
    expect(calls).toEqual(['entry+fp', 'return+fp']);
    expect(clock.cycles).toBe(35);
    expect(model.exceptionCycles).toBe(35);
  });
});

describe('EXC_RETURN validation (B1.5.8)', () => {
  it.each([0xfffffff5, 0xfffffff0, 0xffffff79, 0xfffffffb].map((v) => [v.toString(16), v]))('0x%s is illegal → INVPC', (_, bad) => {
    const { state, model } = makeRig();
    model.shcsrEnables = 1 << 18;
    model.pendPendSV();
    model.service();
    model.exceptionReturn(bad);
    expect(model.cfsr).toBe(Cfsr.INVPC);
    expect(state.ipsr).toBe(Exc.UsageFault);
    expect(state.r[14]).toBe(bad >>> 0);
    expect(model.isActive(Exc.PendSV)).toBe(false);
  });

  it('returning to Thread mode while another exception is active → INVPC (NONBASETHRDENA = 0)', () => {
    const { state, model } = makeRig();
    model.setPriority(Exc.PendSV, 0x80);
    model.pendPendSV();
    model.service();
    model.pendNmi();
    model.service();
    model.exceptionReturn(0xfffffff9); // NMI returning "to Thread" with PendSV still active
    expect(model.cfsr & Cfsr.INVPC).toBe(Cfsr.INVPC);
    expect(state.ipsr).toBe(Exc.HardFault); // UsageFault is disabled: escalated
  });

  it('a stacked IPSR that disagrees with EXC_RETURN → INVPC', () => {
    const { state, model, bus } = makeRig();
    model.pendPendSV();
    model.service();
    bus.write32(state.r[13] + 28, 0x01000010); // stacked IPSR = 16, but EXC_RETURN says Thread
    model.exceptionReturn(state.r[14]);
    expect(model.cfsr & Cfsr.INVPC).toBe(Cfsr.INVPC);
    expect(state.ipsr).toBe(Exc.HardFault);
  });

  it('every legal EXC_RETURN value returns (E1/E9/ED via FP frames, F1/F9/FD)', () => {
    const { state, model } = makeRig();
    model.cpacr = 0x00f00000;
    state.setPsp(0x20010000);
    for (const [spsel, fp, expected] of [
      [0, false, 0xfffffff9],
      [1, false, 0xfffffffd],
      [0, true, 0xffffffe9],
      [1, true, 0xffffffed],
    ] as const) {
      state.control = spsel ? 2 : 0;
      state.selectStack();
      if (fp) expect(model.beforeFpInstruction()).toBe(true);
      model.pendPendSV();
      model.service();
      expect(state.r[14]).toBe(expected);
      model.pendNmi();
      model.service();
      expect(state.r[14]).toBe(0xfffffff1); // the PendSV handler has not used the FPU: FPCA = 0
      model.exceptionReturn(state.r[14]);
      model.exceptionReturn(state.r[14]);
      expect(state.ipsr).toBe(0);
      expect(state.control).toBe((spsel ? 2 : 0) | (fp ? 4 : 0));
      state.control = 0;
      state.selectStack();
    }
    expect(model.cfsr).toBe(0);
  });

  it('a handler with FP context preempted: EXC_RETURN 0xFFFFFFE1, returns to Handler mode with FPCA', () => {
    const { state, model } = makeRig();
    model.cpacr = 0x00f00000;
    model.setPriority(Exc.PendSV, 0x80);
    model.pendPendSV();
    model.service();
    model.beforeFpInstruction(); // the PendSV handler uses the FPU
    model.pendSysTick();
    model.service();
    expect(state.r[14]).toBe(0xffffffe1);
    model.exceptionReturn(0xffffffe1);
    expect(state.ipsr).toBe(Exc.PendSV);
    expect(state.control & 4).toBe(4);
    expect(model.cfsr).toBe(0);
  });
});

describe('lazy FP stacking (B1.5.7)', () => {
  function fpRig() {
    const rig = makeRig();
    rig.model.cpacr = 0x00f00000; // CP10/CP11 full access, as SystemInit sets it
    for (let i = 0; i < 16; i++) rig.state.s[i] = 0x3f800000 + i;
    rig.state.fpscr = 0x80000000;
    return rig;
  }

  it('fpNeedsNothing (the core skips beforeFpInstruction) only when that call would change nothing', () => {
    const { state, model } = makeRig();
    expect(model.fpNeedsNothing()).toBe(false); // CPACR reset: NOCP
    model.cpacr = 0x00500000; // privileged access only: the check depends on the mode
    expect(model.fpNeedsNothing()).toBe(false);
    model.cpacr = 0x00f00000;
    expect(model.fpNeedsNothing()).toBe(false); // ASPEN (reset 1) with FPCA = 0: the first FP instruction sets FPCA
    expect(model.beforeFpInstruction()).toBe(true);
    expect(state.control & 4).toBe(4);
    expect(model.fpNeedsNothing()).toBe(true);
    model.pendPendSV();
    model.service(); // FP context stacked lazily: LSPACT set, FPCA cleared in the handler
    expect(model.fpNeedsNothing()).toBe(false);
    expect(model.beforeFpInstruction()).toBe(true); // preserves the context, sets FPCA
    expect(model.fpNeedsNothing()).toBe(true);
    model.fpccr = (model.fpccr & 0x3fffffff) >>> 0; // ASPEN and LSPEN off: FPCA no longer matters
    state.control &= ~4;
    expect(model.fpNeedsNothing()).toBe(true);
  });

  it('without FP context (FPCA = 0) the basic frame and EXC_RETURN 0xFFFFFFF9 are used', () => {
    const { state, model } = fpRig();
    model.pendPendSV();
    model.service();
    expect(state.r[14]).toBe(0xfffffff9);
    expect(state.r[13]).toBe(STACK_TOP - 0x20);
  });

  it('with FP context: 0x68-byte frame, EXC_RETURN 0xFFFFFFE9, LSPACT set, space reserved but not written', () => {
    const { state, model, read32 } = fpRig();
    expect(model.beforeFpInstruction()).toBe(true); // an FP instruction in Thread mode sets FPCA (ASPEN)
    expect(state.control & 4).toBe(4);
    model.pendPendSV();
    model.service();
    const frame = STACK_TOP - 0x68;
    expect(state.r[13]).toBe(frame);
    expect(state.r[14]).toBe(0xffffffe9);
    expect(model.fpccr & 1).toBe(1); // LSPACT
    expect(model.fpcar).toBe(frame + 0x20);
    expect(read32(frame + 0x20)).toBe(0); // lazily: S0 not yet stored
    expect(state.control & 4).toBe(0); // the handler starts with FPCA = 0

    // The handler's first FP instruction preserves S0-S15 and FPSCR at FPCAR.
    expect(model.beforeFpInstruction()).toBe(true);
    expect(read32(frame + 0x20)).toBe(0x3f800000);
    expect(read32(frame + 0x20 + 4 * 15)).toBe(0x3f80000f);
    expect(read32(frame + 0x60)).toBe(0x80000000);
    expect(model.fpccr & 1).toBe(0);
    state.s[0] = 0x12345678;
    state.fpscr = 0;

    model.exceptionReturn(state.r[14]);
    expect(state.s[0]).toBe(0x3f800000);
    expect(state.fpscr).toBe(0x80000000);
    expect(state.control & 4).toBe(4);
    expect(state.r[13]).toBe(STACK_TOP);
  });

  it('a handler that never uses the FPU: nothing is saved, LSPACT is just cleared on return', () => {
    const { state, model, read32 } = fpRig();
    model.beforeFpInstruction();
    model.pendPendSV();
    model.service();
    const frame = state.r[13];
    model.exceptionReturn(state.r[14]);
    expect(read32(frame + 0x20)).toBe(0);
    expect(model.fpccr & 1).toBe(0);
    expect(state.s[3]).toBe(0x3f800003);
  });

  it('LSPEN = 0: the FP registers are stacked at once', () => {
    const { state, model, read32 } = fpRig();
    model.fpccr = 0x80000000; // ASPEN only
    model.beforeFpInstruction();
    model.pendPendSV();
    model.service();
    expect(read32(state.r[13] + 0x20 + 4 * 2)).toBe(0x3f800002);
    expect(model.fpccr & 1).toBe(0);
  });

  it('a new FP context in a handler takes FPSCR[26:22] from FPDSCR', () => {
    const { state, model } = fpRig();
    model.fpdscr = 0x03c00000; // DN, FZ, RMode = 0b11
    model.pendPendSV();
    model.service();
    state.fpscr = 0xf0000000;
    model.beforeFpInstruction();
    expect(state.fpscr).toBe(0xf3c00000);
  });

  it('CPACR without CP10/CP11 access: NOCP UsageFault (escalated to HardFault)', () => {
    const { state, model } = makeRig();
    expect(model.beforeFpInstruction()).toBe(false);
    expect(model.cfsr).toBe(Cfsr.NOCP);
    expect(state.ipsr).toBe(Exc.HardFault);
  });

  it('CPACR privileged-only access (0b01) faults NOCP for unprivileged Thread code only', () => {
    const { state, model } = makeRig();
    model.cpacr = 0x00500000;
    expect(model.beforeFpInstruction()).toBe(true); // privileged Thread mode
    state.control = 1; // nPRIV
    expect(model.beforeFpInstruction()).toBe(false);
    expect(model.cfsr).toBe(Cfsr.NOCP);
  });
});

describe('sleep (B1.5.19)', () => {
  it('WFI jumps the clock to the event that pends an interrupt', () => {
    const { model, clock } = makeRig();
    model.setIrqEnabled(12, true);
    clock.schedule(1000, () => model.setIrqLevel(12, true));
    model.wfi();
    expect(clock.cycles).toBe(1000);
    expect(model.attention).toBe(true);
    expect(model.sleepCycles).toBe(1000);
  });

  it('tells the cycle model when it has moved the clock (clockSkipped), after WFI and after an idle-loop skip', () => {
    const told: number[] = [];
    const cycleModel: CycleModel = { dataAccess() {}, retire: () => 1, exception: () => 12, clockSkipped: () => told.push(clock.cycles) };
    const { model, clock } = makeRig({ cycleModel });
    model.setIrqEnabled(12, true);
    clock.schedule(1000, () => {});
    clock.schedule(3000, () => model.setIrqLevel(12, true));
    model.idleUntilNextEvent();
    expect(told).toEqual([1000]);
    model.wfi();
    expect(told).toEqual([1000, 3000]);
  });

  it('WFI with nothing ever due stops with "sleeping forever"', () => {
    const { model, stops } = makeRig();
    model.setIrqEnabled(3, true);
    model.wfi();
    expect(stops[0].kind).toBe('sleep-forever');
  });

  it('WFI with events due but no interrupt enabled anywhere stops at once', () => {
    const { model, clock, stops } = makeRig();
    clock.schedule(100, () => {});
    model.wfi();
    expect(stops[0].kind).toBe('sleep-forever');
    expect(clock.cycles).toBe(0);
  });

  it('WFI stops as "sleeping forever" after maxSleepCycles of events that never wake it', () => {
    const { model, clock, stops } = makeRig();
    model.setIrqEnabled(1, true);
    model.maxSleepCycles = 1000;
    const tick = (now: number) => {
      clock.schedule(now + 100, tick);
    };
    clock.schedule(100, tick);
    model.wfi();
    expect(stops[0].kind).toBe('sleep-forever');
    expect(clock.cycles).toBe(1000);
  });

  it('a level-sensitive line still asserted at exception return pends again', () => {
    const { state, model } = makeRig();
    model.setIrqEnabled(6, true);
    model.setIrqLevel(6, true);
    model.service();
    expect(state.ipsr).toBe(22);
    expect(model.isPending(22)).toBe(false); // entry clears pending
    model.exceptionReturn(state.r[14]); // still asserted: pending again, taken by tail-chaining
    expect(state.ipsr).toBe(22);
    model.setIrqLevel(6, false);
    model.exceptionReturn(state.r[14]);
    expect(state.ipsr).toBe(0);
    expect(model.isPending(22)).toBe(false);
  });

  it('WFI wakes for a PRIMASK-masked interrupt but does not take it', () => {
    const { state, model, clock } = makeRig();
    model.setIrqEnabled(3, true);
    state.primask = 1;
    model.maskChanged();
    model.pendIrq(3);
    model.wfi();
    expect(clock.cycles).toBe(0);
    expect(model.attention).toBe(false);
  });

  it('WFE returns at once when the event register is set (SEV), else sleeps', () => {
    const { model, clock } = makeRig();
    model.sev();
    model.wfe();
    expect(clock.cycles).toBe(0);
    clock.schedule(50, () => model.sev());
    clock.schedule(80, () => model.pendSysTick());
    model.wfe();
    expect(clock.cycles).toBe(50);
  });

  it('SLEEPONEXIT sleeps on the return to Thread mode', () => {
    const { model, clock } = makeRig();
    model.scr = SCR_SLEEPONEXIT;
    model.setIrqEnabled(0, true);
    model.pendIrq(0);
    model.service();
    clock.schedule(clock.cycles + 500, () => model.pendIrq(0));
    model.exceptionReturn(0xfffffff9);
    // entry 12 cycles; return 12 more (24); then asleep until the event at 12 + 500.
    expect(clock.cycles).toBe(512);
    expect(model.sleepCycles).toBe(512 - 24);
    expect(model.attention).toBe(true);
  });
});

describe('BKPT (C1.5)', () => {
  it("policy 'stop' stops the run at the BKPT with a report", () => {
    const { state, model, stops } = makeRig();
    state.r[15] = 0x08000a00;
    model.bkpt(255);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ kind: 'bkpt', pc: 0x08000a00 });
    expect(stops[0].reason).toMatch(/BKPT #255/);
    expect(state.ipsr).toBe(0);
  });

  it("policy 'hardfault' escalates to HardFault with HFSR.DEBUGEVT; in HardFault it locks up", () => {
    const { state, model } = makeRig({ bkptPolicy: 'hardfault' });
    model.bkpt(0);
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(model.hfsr >>> 0).toBe(HFSR_DEBUGEVT);
    model.bkpt(0); // libDaisy's HardFault_Handler does this
    expect(model.lockedUp).toBe(true);
  });
});
