import { describe, expect, it } from 'vitest';
import { BusError, MmioDevice, Mpu, type AccessSize } from '@seedsim/core';
import { SystemBus, UnmodelledRegisterReporter, type FastMemoryDevice, type MemoryDevice } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

function expectBusError(fn: () => unknown, kind: string = 'bus'): BusError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BusError);
    expect((e as BusError).kind).toBe(kind);
    return e as BusError;
  }
  throw new Error('expected a BusError');
}

class ScratchDevice extends MmioDevice {
  readonly words = new Uint32Array(this.size / 4);
  readWord(offset: number): number {
    return this.words[offset >>> 2];
  }
  writeWord(offset: number, value: number): void {
    this.words[offset >>> 2] = value;
  }
}

class ArrayMemory implements MemoryDevice {
  readonly bytes: Uint8Array;
  reads = 0;
  constructor(readonly name: string, readonly base: number, size: number) {
    this.bytes = new Uint8Array(size);
  }
  read(addr: number, size: AccessSize): number {
    this.reads++;
    let v = 0;
    for (let i = 0; i < size; i++) v |= this.bytes[addr - this.base + i] << (8 * i);
    return v >>> 0;
  }
  write(addr: number, value: number, size: AccessSize): void {
    for (let i = 0; i < size; i++) this.bytes[addr - this.base + i] = value >>> (8 * i);
  }
}

describe('SystemBus memory map (AN4891 Table 6)', () => {
  // Each on-chip memory: its first and last word read back what was written; one byte past its end
  // is a BusError (the next memory starts further up, so the gap is unmapped).
  const memories: [string, number, number][] = [
    ['ITCM', 0x00000000, 0x10000],
    ['DTCM', 0x20000000, 0x20000],
    ['AXI SRAM', 0x24000000, 0x80000],
    ['SRAM1..3', 0x30000000, 0x48000],
    ['SRAM4', 0x38000000, 0x10000],
    ['backup SRAM', 0x38800000, 0x1000],
  ];
  for (const [name, base, size] of memories) {
    it(`${name} at 0x${base.toString(16)} is ${size / 1024} KB of RAM`, () => {
      const bus = new SystemBus(new RecordingContext());
      bus.write32(base, 0x11223344);
      bus.write32(base + size - 4, 0xcafef00d);
      expect(bus.read32(base)).toBe(0x11223344);
      expect(bus.read32(base + size - 4)).toBe(0xcafef00d);
      expectBusError(() => bus.read32(base + size));
      expectBusError(() => bus.write8(base + size, 1));
    });
  }

  it('is little-endian across widths (ARMv7-M A3.3: memory is little-endian on the Cortex-M7)', () => {
    const bus = new SystemBus(new RecordingContext());
    bus.write32(0x24000100, 0x11223344);
    expect(bus.read8(0x24000100)).toBe(0x44);
    expect(bus.read8(0x24000103)).toBe(0x11);
    expect(bus.read16(0x24000102)).toBe(0x1122);
    expect(bus.fetch16(0x24000100)).toBe(0x3344);
    bus.write16(0x24000102, 0xbeef);
    bus.write8(0x24000100, 0xaa);
    expect(bus.read32(0x24000100)).toBe(0xbeef33aa);
  });

  it('handles unaligned accesses to Normal RAM, also across a page and across SRAM1/SRAM2', () => {
    const bus = new SystemBus(new RecordingContext());
    bus.write32(0x2000fffe, 0xa1b2c3d4); // straddles the 64 KB page boundary inside DTCM
    expect(bus.read8(0x2000fffe)).toBe(0xd4);
    expect(bus.read8(0x20010001)).toBe(0xa1);
    expect(bus.read32(0x2000fffe)).toBe(0xa1b2c3d4);
    bus.write32(0x3001fffe, 0x01020304); // SRAM1 ends at 0x3001FFFF, SRAM2 follows
    expect(bus.read16(0x30020000)).toBe(0x0102);
    expect(bus.read32(0x3001fffe)).toBe(0x01020304);
    expect(bus.read16(0x24000001)).toBe(0);
    expectBusError(() => bus.read32(0x3880_0ffe)); // backup SRAM ends at 0x3880_0FFF: the tail is unmapped
  });

  it('reads the flash image, and a CPU store to flash breaks the flash-write rule without changing it', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    bus.loadImage(0x08000000, new Uint8Array([0x00, 0x00, 0x02, 0x20, 0x99, 0x02, 0x00, 0x08]));
    expect(bus.read32(0x08000000)).toBe(0x20020000);
    expect(bus.fetch16(0x08000004)).toBe(0x0299);
    bus.write32(0x08000000, 0);
    expect(bus.read32(0x08000000)).toBe(0x20020000);
    expect(ctx.rules.map((r) => r.rule)).toEqual(['flash-write']);
    expectBusError(() => bus.read32(0x08020000)); // 128 KB on the H750
  });

  it('raises BusError on unmapped addresses', () => {
    const bus = new SystemBus(new RecordingContext());
    for (const addr of [0x00010000, 0x10000000, 0x20020000, 0x24080000, 0x30048000, 0x38801000, 0x60000000, 0x90000000, 0xc0000000, 0xf0000000]) {
      expectBusError(() => bus.read32(addr));
    }
    const e = expectBusError(() => bus.fetch16(0x70000000));
    expect(e.address).toBe(0x70000000);
  });

  it('loadImage and peek/poke reach memory without rules', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    bus.loadImage(0x2407fffc, new Uint8Array([1, 2, 3, 4]));
    expect(bus.peek(0x2407fffc, 4)).toBe(0x04030201);
    bus.poke(0x08000010, 0x12345678, 4);
    expect(bus.read32(0x08000010)).toBe(0x12345678);
    expect(ctx.rules).toHaveLength(0);
    expect(() => bus.loadImage(0x2407fffe, new Uint8Array(4))).toThrow(/no memory at 0x24080000/);
  });
});

describe('SystemBus peripherals', () => {
  it('dispatches to mapped devices with offsets and sub-word accesses', () => {
    const bus = new SystemBus(new RecordingContext());
    const dev = new ScratchDevice('SCRATCH', 0x40000000, 0x400);
    bus.mapDevice(dev);
    bus.write32(0x40000008, 0xdeadbeef);
    expect(dev.words[2]).toBe(0xdeadbeef);
    expect(bus.read8(0x4000000b)).toBe(0xde);
    bus.write16(0x4000000a, 0x1234);
    expect(dev.words[2]).toBe(0x1234beef);
    expect(bus.deviceAt(0x400003fc)).toBe(dev);
  });

  it('maps PPB devices', () => {
    const bus = new SystemBus(new RecordingContext());
    const systick = new ScratchDevice('SysTick', 0xe000e010, 0x10);
    bus.mapDevice(systick);
    bus.write32(0xe000e014, 0xf9ff);
    expect(systick.words[1]).toBe(0xf9ff);
    expect(() => bus.mapDevice(new ScratchDevice('X', 0xe000e000, 0x20))).toThrow(/overlaps SysTick/);
  });

  it('answers SVD blocks with no model with reset values and reports each register once by SVD name', () => {
    const ctx = new RecordingContext();
    const reporter = new UnmodelledRegisterReporter();
    ctx.unmodelled = (d, o, w, v) => reporter.report(d, o, w, v);
    const bus = new SystemBus(ctx);
    // SPI2 CFG1 (offset 0x08) resets to 0x00070007 (SVD resetValue; RM0433 SPI_CFG1 reset value).
    expect(bus.read32(0x40003808)).toBe(0x00070007);
    bus.write32(0x40003808, 0x1f);
    expect(bus.read32(0x40003808)).toBe(0x1f);
    bus.write32(0x40003800, 1);
    expect(reporter.reported.map((r) => r.register)).toEqual(['SPI2.CFG1', 'SPI2.CR1']);
  });

  it('raises BusError in the peripheral space where no SVD peripheral lives', () => {
    const bus = new SystemBus(new RecordingContext());
    expectBusError(() => bus.read32(0x40003000)); // between LPTIM1 slot end and SPI2 (reserved in the RM0433 memory map)
    expectBusError(() => bus.write32(0x5fff0000, 0));
  });

  it('a model covering part of an SVD block owns it: the rest is a BusError, not an automatic block', () => {
    const bus = new SystemBus(new RecordingContext());
    bus.mapDevice(new ScratchDevice('SPI2-head', 0x40003800, 0x20));
    expect(bus.read32(0x40003808)).toBe(0);
    expectBusError(() => bus.read32(0x40003840));
  });

  it('a real model mapped later replaces the automatic unmodelled block', () => {
    const bus = new SystemBus(new RecordingContext());
    bus.read32(0x40003800);
    const spi2 = new ScratchDevice('SPI2', 0x40003800, 0x400);
    bus.mapDevice(spi2);
    bus.write32(0x40003804, 7);
    expect(spi2.words[1]).toBe(7);
  });

  it('unaligned access to Device memory reports the rule and raises an UNALIGNED fault', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    bus.mapDevice(new ScratchDevice('SCRATCH', 0x40000000, 0x400));
    expectBusError(() => bus.read32(0x40000002), 'unaligned');
    expect(ctx.rules[0].rule).toBe('unaligned-device-access');
    // With an MPU that says SRAM is Device (contrived), unaligned RAM access faults the same way.
    bus.setMemoryTypeProvider((a) => (a >= 0x24000000 && a < 0x24080000 ? 'device' : 'normal'));
    expectBusError(() => bus.write16(0x24000001, 1), 'unaligned');
    expect(bus.read32(0x24000004)).toBe(0); // aligned accesses never ask
  });
});

describe('SystemBus memory devices and observers', () => {
  it('forwards a window to a MemoryDevice, and unaligned SDRAM access with no MPU region is a Device fault', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const sdram = new ArrayMemory('SDRAM', 0xc0000000, 0x400000);
    bus.mapMemory(0xc0000000, 0x400000, sdram);
    bus.write32(0xc0000010, 0x55aa55aa);
    expect(sdram.bytes[0x10]).toBe(0xaa);
    expect(bus.read32(0xc0000010)).toBe(0x55aa55aa);
    expectBusError(() => bus.read32(0xc0000011), 'unaligned'); // default map: 0xC000_0000 is Device
    expectBusError(() => bus.read32(0xc0400000));
  });

  it("allows unaligned SDRAM access once libDaisy's MPU region 1 makes it Normal memory", () => {
    const bus = new SystemBus(new RecordingContext());
    bus.mapMemory(0xc0000000, 0x400000, new ArrayMemory('SDRAM', 0xc0000000, 0x400000));
    const mpu = new Mpu();
    bus.setMemoryTypeProvider((a, w) => mpu.memoryType(a, w));
    expectBusError(() => bus.read32(0xc0000101), 'unaligned'); // MPU off: default map, Device
    // libdaisy-facts §3 ConfigureMpu region 1: RBAR 0xC0000000, RASR 0x03030033 (64 MB, TEX 0 C 1 B 1).
    mpu.writeRegister(0x08, 1); // MPU_RNR
    mpu.writeRegister(0x0c, 0xc0000000); // MPU_RBAR
    mpu.writeRegister(0x10, 0x03030033); // MPU_RASR
    mpu.writeRegister(0x04, 5); // MPU_CTRL = ENABLE | PRIVDEFENA
    bus.write32(0xc0000100, 0x44332211);
    bus.write32(0xc0000104, 0x88776655);
    expect(bus.read32(0xc0000101)).toBe(0x55443322);
  });

  it('moves a FastMemoryDevice onto the fast path once it hands out its backing', () => {
    const bus = new SystemBus(new RecordingContext());
    const backing = new Uint8Array(0x10000);
    let ready = false;
    const dev: FastMemoryDevice & { reads: number } = {
      name: 'SDRAM',
      reads: 0,
      read(addr) {
        this.reads++;
        return backing[addr - 0xc0000000];
      },
      write() {},
      fastBacking: () => (ready ? backing : null),
    };
    bus.mapMemory(0xc0000000, 0x10000, dev);
    bus.read8(0xc0000000);
    expect(dev.reads).toBe(1);
    ready = true;
    bus.refreshMemory(dev);
    bus.write32(0xc0000020, 0x01020304);
    expect(backing[0x20]).toBe(4);
    expect(bus.read32(0xc0000020)).toBe(0x01020304);
    expect(dev.reads).toBe(1);
  });

  it('observers see accesses in their range only, and removing them restores the fast path', () => {
    const bus = new SystemBus(new RecordingContext());
    const seen: string[] = [];
    const stop = bus.observe(0x20000100, 0x10, {
      onWrite: (a, s, v) => seen.push(`w${s}@${a.toString(16)}=${v.toString(16)}`),
      onRead: (a, s, v) => seen.push(`r${s}@${a.toString(16)}=${v.toString(16)}`),
    });
    bus.write32(0x20000104, 0xab);
    bus.read16(0x20000104);
    bus.write32(0x20000200, 1); // same page, outside the range
    stop();
    bus.write32(0x20000108, 2);
    expect(seen).toEqual(['w4@20000104=ab', 'r2@20000104=ab']);
    expect(bus.read32(0x20000108)).toBe(2);
  });
});
