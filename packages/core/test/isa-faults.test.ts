/**
 * Fault plumbing of the core (ARMv7-M ARM B1.5.6 priority, B3.2.15 BusFault, B3.2.14 MemManage): what
 * reaches the ExceptionHost, with which address, and that the faulting instruction has no effect.
 */
import { describe, expect, it } from 'vitest';
import { BusError, Cpu, CpuHalt, FaultKind, FlatBus, ThrowingExceptionHost, type Bus, type ExceptionHost } from '../src/index.js';
import { machine, RAM_BASE } from './asm.js';

/** Records what the core reports instead of throwing; exception entry is simulated by a jump to 0x100. */
class RecordingHost extends ThrowingExceptionHost {
  readonly events: string[] = [];
  constructor(private readonly cpu: () => Cpu) {
    super();
  }
  override fault(kind: FaultKind, address?: number): void {
    const c = this.cpu();
    this.events.push(`fault ${kind} ${address === undefined ? '-' : (address >>> 0).toString(16)} pc=${c.state.r[15].toString(16)} it=${c.state.itState.toString(16)}`);
    c.state.r[15] = 0x100;
    c.state.itState = 0;
  }
  override exceptionReturn(excReturn: number): void {
    this.events.push(`return ${(excReturn >>> 0).toString(16)}`);
    this.cpu().state.r[15] = 0x200;
  }
}

function withHost(source: string, regs: Record<number, number> = {}) {
  const m = machine(source, regs);
  const host = new RecordingHost(() => m.cpu);
  m.cpu.exceptions = host as unknown as ExceptionHost;
  return { ...m, host };
}

describe('faults reach the exception host', () => {
  it('a load from unmapped memory is a precise BusFault at that address; registers keep their values', () => {
    const { cpu, host } = withHost('nop\nldm r0!, {r1, r2}', { 0: 0x6000_0000, 1: 11 });
    cpu.step();
    cpu.step();
    expect(host.events).toEqual([`fault ${FaultKind.BusData} 60000000 pc=2 it=0`]);
    expect(cpu.state.r[0]).toBe(0x6000_0000);
    expect(cpu.state.r[1]).toBe(11);
    expect(cpu.state.r[15]).toBe(0x100);
  });

  it('a store the bus rejects is asynchronous: the instruction completes and the host is told, no precise fault', () => {
    // STM: both stores are attempted and the base is written back, as the write buffer took them.
    const { cpu, host } = withHost('stm r0!, {r1, r2}\nmovs r3, #7', { 0: 0x6000_0000, 1: 11, 2: 12 });
    const rejected: string[] = [];
    (host as unknown as ExceptionHost).impreciseBusFault = (pc, address) => rejected.push(`${pc.toString(16)} ${address.toString(16)}`);
    cpu.step();
    cpu.step();
    expect(host.events).toEqual([]);
    expect(rejected).toEqual(['0 60000000', '0 60000004']);
    expect(cpu.state.r[0]).toBe(0x6000_0008);
    expect(cpu.state.r[3]).toBe(7);
  });

  it('without impreciseBusFault in the host, a rejected store is a precise BusFault', () => {
    const { cpu, host } = withHost('str r1, [r0]', { 0: 0x6000_0000, 1: 11 });
    cpu.step();
    expect(host.events).toEqual([`fault ${FaultKind.BusData} 60000000 pc=0 it=0`]);
  });

  it('an MPU refusal (BusError kind mpu) is a MemManage data fault', () => {
    const inner = new FlatBus([{ base: 0, size: 0x1000 }]);
    const bus: Bus = {
      read8: (a) => inner.read8(a), read16: (a) => inner.read16(a), fetch16: (a) => inner.fetch16(a),
      read32: (a) => { throw new BusError(a, false, 'no access', 'mpu'); },
      write8: (a, v) => inner.write8(a, v), write16: (a, v) => inner.write16(a, v), write32: (a, v) => inner.write32(a, v),
    };
    inner.write16(0, 0x6808); // ldr r0, [r1]
    const cpu = new Cpu({ bus });
    const host = new RecordingHost(() => cpu);
    cpu.exceptions = host as unknown as ExceptionHost;
    cpu.state.r[1] = 0x40;
    cpu.step();
    expect(host.events).toEqual([`fault ${FaultKind.MpuData} 40 pc=0 it=0`]);
  });

  it("a bus that refuses an unaligned access (kind 'unaligned', Device memory) gives an UNALIGNED UsageFault", () => {
    const inner = new FlatBus([{ base: 0, size: 0x1000 }]);
    const seen: string[] = [];
    const bus: Bus = {
      read8: (a) => inner.read8(a), read16: (a) => inner.read16(a), fetch16: (a) => inner.fetch16(a),
      read32: (a) => {
        seen.push(`read32 ${a.toString(16)}`); // the core passes the unaligned word access on as one access
        if (a & 3) throw new BusError(a, false, 'unaligned access to Device memory', 'unaligned');
        return inner.read32(a);
      },
      write8: (a, v) => inner.write8(a, v), write16: (a, v) => inner.write16(a, v), write32: (a, v) => inner.write32(a, v),
    };
    inner.write16(0, 0x6808); // ldr r0, [r1]
    const cpu = new Cpu({ bus });
    const host = new RecordingHost(() => cpu);
    cpu.exceptions = host as unknown as ExceptionHost;
    cpu.state.r[1] = 0x41;
    cpu.step();
    expect(seen).toEqual(['read32 41']);
    expect(host.events).toEqual([`fault ${FaultKind.Unaligned} 41 pc=0 it=0`]);
  });

  it('executing from unmapped memory is an instruction fetch BusFault', () => {
    const { cpu, host } = withHost('bx r0', { 0: 0x7000_0001 });
    cpu.step();
    cpu.step();
    expect(host.events).toEqual([`fault ${FaultKind.BusFetch} 70000000 pc=70000000 it=0`]);
  });

  it('a fault inside an IT block is taken with ITSTATE not advanced', () => {
    // itt eq: the first conditional instruction (ldr) faults; ITSTATE is still that of the block (0x04 | cond).
    const { cpu, host } = withHost('cmp r0, r0\nitt eq\nldreq r1, [r2]\naddeq r1, #1', { 2: 0x6000_0000 });
    cpu.step();
    cpu.step();
    cpu.step();
    // IT EQ with two instructions: firstcond 0000, mask 0100 → ITSTATE 0x04.
    expect(host.events).toEqual([`fault ${FaultKind.BusData} 60000000 pc=4 it=4`]);
  });

  it('POP {pc} of an EXC_RETURN value in Handler mode is an exception return, not a branch', () => {
    const { cpu, host, ram } = withHost('pop {r0, pc}');
    cpu.state.ipsr = 11;
    cpu.state.r[13] = RAM_BASE + 0x100;
    new DataView(ram.buffer).setUint32(0x104, 0xfffffffd, true);
    cpu.step();
    expect(host.events).toEqual(['return fffffffd']);
    expect(cpu.state.r[13]).toBe(RAM_BASE + 0x108); // the pop itself completed
  });

  it('the default host throws CpuHalt with a readable message', () => {
    const m = machine('ldr r0, [r1]', { 1: 0x6000_0000 });
    expect(() => m.cpu.step()).toThrow(CpuHalt);
    expect(() => m.cpu.step()).toThrow(/BusFault PRECISERR at pc=0x00000000 \(address 0x60000000\)/);
  });
});

describe('FlatBus', () => {
  it('is little-endian, rejects accesses outside its ranges and overlapping ranges', () => {
    const bus = new FlatBus([{ base: 0x1000, size: 8 }]);
    bus.write32(0x1000, 0x11223344);
    expect(bus.read8(0x1000)).toBe(0x44);
    expect(bus.read16(0x1002)).toBe(0x1122);
    expect(() => bus.read32(0x1006)).toThrow(BusError); // runs past the end
    expect(() => bus.write8(0xfff, 0)).toThrow(BusError);
    expect(() => bus.addRange(0x1004, 8)).toThrow(/overlaps/);
  });
});
