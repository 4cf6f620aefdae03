import { describe, expect, it } from 'vitest';
import { BusError } from '@seedsim/core';
import { SystemBus } from '../src/system-bus.js';
import { Quadspi } from '../src/peripherals/quadspi.js';
import { Is25lp064a } from '../src/devices/qspi-flash.js';
import { RecordingContext } from './recording-context.js';

const QSPI = 0x5200_5000;
const WINDOW = 0x9000_0000;
const CPU_HZ = 400e6;
// Registers (RM0433 §23.5 / SVD).
const CR = 0x00,
  DCR = 0x04,
  SR = 0x08,
  FCR = 0x0c,
  DLR = 0x10,
  CCR = 0x14,
  AR = 0x18,
  ABR = 0x1c,
  DR = 0x20,
  PSMKR = 0x24,
  PSMAR = 0x28,
  PIR = 0x2c;
const TCF = 1 << 1,
  FTF = 1 << 2,
  SMF = 1 << 3,
  BUSY = 1 << 5;

function setup(flashStatus?: number) {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const clocks = { kernelHz: () => 200e6, cpuHz: () => CPU_HZ };
  const flash = new Is25lp064a(ctx.clock, clocks.cpuHz, undefined, flashStatus);
  const qspi = new Quadspi(ctx, clocks, flash);
  bus.mapDevice(qspi);
  bus.mapMemory(WINDOW, 0x1000_0000, qspi.window);
  const reg = (o: number) => bus.read32(QSPI + o);
  const set = (o: number, v: number) => bus.write32(QSPI + o, v);
  /** What a HAL wait loop does: the flag must already be set (or become set as simulated time passes). */
  const waitFlag = (flag: number, maxCycles = 0) => {
    const limit = ctx.clock.cycles + maxCycles;
    while ((reg(SR) & flag) === 0) {
      if (ctx.clock.nextEventAt > limit) throw new Error(`SR flag 0x${flag.toString(16)} never set (SR=0x${reg(SR).toString(16)})`);
      ctx.advanceTo(ctx.clock.nextEventAt);
    }
  };
  /** HAL_QSPI_Command with no data: CCR (+AR), wait TCF, clear it. */
  const command = (ccr: number, ar?: number) => {
    set(CCR, ccr);
    if (ar !== undefined) set(AR, ar);
    waitFlag(TCF);
    set(FCR, TCF);
  };
  /** HAL_QSPI_AutoPolling: match/mask on RDSR (0x05, 1-line, 1 byte), stop on match. */
  const autoPoll = (match: number, mask: number, maxCycles = 0) => {
    set(PSMAR, match);
    set(PSMKR, mask);
    set(PIR, 0x10);
    set(CR, reg(CR) | (1 << 22));
    set(DLR, 0);
    set(CCR, 0x09000105);
    waitFlag(SMF, maxCycles);
    set(FCR, SMF);
  };
  /** HAL_QSPI_Command + HAL_QSPI_Transmit of bytes (1-line data, optional 24-bit address). */
  const writeCommand = (ccr: number, bytes: number[], ar?: number) => {
    set(DLR, bytes.length - 1);
    set(CCR, ccr);
    if (ar !== undefined) set(AR, ar);
    for (const b of bytes) {
      waitFlag(FTF);
      bus.write8(QSPI + DR, b);
    }
    waitFlag(TCF);
    set(FCR, TCF);
  };
  /** Indirect read of n bytes with instruction `op` (1-line instruction and data, optional address). */
  const readCommand = (op: number, n: number, ar?: number) => {
    set(DLR, n - 1);
    const ccr = (1 << 26) | (1 << 24) | (ar !== undefined ? (2 << 12) | (1 << 10) : 0) | (1 << 8) | op;
    set(CCR, ccr);
    if (ar !== undefined) set(AR, ar);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      waitFlag(FTF | TCF);
      out.push(bus.read8(QSPI + DR));
    }
    set(FCR, TCF);
    return out;
  };
  const init = () => {
    set(CR, reg(CR) & ~(0x1f << 8));
    expect(reg(SR) & BUSY).toBe(0);
    set(CR, 0x01000000);
    set(DCR, 0x00160100);
    set(CR, reg(CR) | 1);
    command(0x00000166); // reset enable
    command(0x00000199); // reset
    autoPoll(0x00, 0x01); // WIP == 0
  };
  return { ctx, bus, qspi, flash, reg, set, waitFlag, command, autoPoll, writeCommand, readCommand, init };
}

describe('QUADSPI + IS25LP064A', () => {
  it('runs the libDaisy init sequence and ends with the flash readable at 0x9000_0000', () => {
    const t = setup(0); // factory-fresh chip: QE = 0 until libDaisy sets it
    t.flash.load(0x40000, new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04]));
    t.init();
    // Default status register: write enable, WRSR 0x40 (QE), wait for the status write to end.
    t.command(0x00000106);
    t.autoPoll(0x02, 0x02);
    t.writeCommand(0x01000101, [0x40]);
    const statusWriteStart = t.ctx.clock.cycles;
    // The status write keeps WIP = 1 for tW (2 ms typical): the poll for 0x40/0xFF matches only then.
    t.autoPoll(0x40, 0xff, 0.01 * CPU_HZ);
    expect(t.ctx.clock.cycles).toBe(statusWriteStart + 800_000); // tW 2 ms typical × 400 MHz
    t.autoPoll(0x00, 0x01);
    // Read parameters 0xF0 (dummy cycles for 0xEB), then QuadEnable again, then memory-mapped.
    t.writeCommand(0x010001c0, [0xf0]);
    t.autoPoll(0x00, 0x01);
    t.command(0x00000106);
    t.autoPoll(0x02, 0x02);
    t.writeCommand(0x01000101, [0x40]);
    t.autoPoll(0x40, 0x43, 0.01 * CPU_HZ);
    t.autoPoll(0x00, 0x01);
    expect(t.reg(SR) & BUSY).toBe(0);
    t.set(CR, t.reg(CR) & ~(1 << 3)); // TCEN = 0
    t.set(ABR, 0x000000a0);
    t.set(CCR, 0x1f18edeb);
    expect(t.reg(CR)).toBe(0x01400001);
    expect(t.qspi.mapped).toBe(true);
    expect(t.bus.read32(WINDOW + 0x40000)).toBe(0xefbeadde);
    expect(t.bus.read8(WINDOW + 0x40005)).toBe(0x02);
    expect(t.bus.read32(WINDOW + 0x100)).toBe(0xffffffff); // erased flash
    expect(t.ctx.rules).toEqual([]);
    // Timing for the timing model: 0xEB on 1 line, 24-bit address and mode byte on 4 lines, 6 dummy.
    expect(t.qspi.readTiming()).toMatchObject({
      mapped: true,
      qspiHz: 100e6, // 200 MHz HCLK / (PRESCALER 1 + 1)
      instruction: 0xeb,
      instructionLines: 1,
      instructionCycles: 8,
      sendInstructionOnce: true,
      addressLines: 4,
      addressBytes: 3,
      addressCycles: 6,
      alternateLines: 4,
      alternateBytes: 1,
      alternateCycles: 2,
      dummyCycles: 6,
      dataLines: 4,
      ddr: false,
      cyclesPerByte: 2,
      chipSelectHighCycles: 2,
      flashSize: 8 * 1024 * 1024,
    });
  });

  it('faults reads of the window before memory-mapped mode, and every write', () => {
    const t = setup();
    expect(() => t.bus.read32(WINDOW)).toThrow(BusError);
    expect(t.ctx.rulesNamed('qspi-before-mapped')).toHaveLength(1);
    expect(t.ctx.rulesNamed('qspi-before-mapped')[0].detail).toMatch(/disabled/);
    t.init();
    expect(() => t.bus.read8(WINDOW + 4)).toThrow(BusError);
    expect(t.ctx.rulesNamed('qspi-before-mapped')[1].detail).toMatch(/not in memory-mapped mode/);
    t.set(ABR, 0xa0);
    t.set(CCR, 0x1f18edeb);
    expect(t.bus.read32(WINDOW)).toBe(0xffffffff);
    expect(() => t.bus.write32(WINDOW, 0)).toThrow(BusError);
    expect(t.ctx.rulesNamed('qspi-write')).toHaveLength(1);
    // Beyond FSIZE (8 MB): bus error.
    expect(() => t.bus.read32(WINDOW + 0x80_0000)).toThrow(BusError);
    expect(t.ctx.rulesNamed('qspi-out-of-range')).toHaveLength(1);
  });

  it('reads the JEDEC ID 9D 60 17', () => {
    const t = setup();
    t.init();
    expect(t.readCommand(0x9f, 3)).toEqual([0x9d, 0x60, 0x17]);
  });

  it('page program clears bits only, wraps inside the 256-byte page, and needs WRITE ENABLE', () => {
    const t = setup();
    t.flash.load(0x1000f8, new Uint8Array(8).fill(0xf0));
    t.init();
    const ccrProgram = (1 << 24) | (2 << 12) | (1 << 10) | (1 << 8) | 0x02; // 1-line instr/address/data
    // Program without WREN: ignored and reported.
    t.writeCommand(ccrProgram, [0x00], 0x100000);
    expect(t.ctx.rulesNamed('qspi-write-not-enabled')).toHaveLength(1);
    expect(t.flash.memory[0x100000]).toBe(0xff);
    // WREN, then 16 bytes of 0x0F from 0x1000F8: 8 land at F8–FF (0xF0 & 0x0F = 0), 8 wrap to 0x100000.
    t.command(0x00000106);
    t.writeCommand(ccrProgram, new Array(16).fill(0x0f), 0x1000f8);
    expect([...t.flash.memory.subarray(0x1000f8, 0x100100)]).toEqual(new Array(8).fill(0x00));
    expect([...t.flash.memory.subarray(0x100000, 0x100008)]).toEqual(new Array(8).fill(0x0f));
    expect(t.flash.memory[0x100100]).toBe(0xff); // next page untouched
    // WIP and WEL read 1 during tPP (0.2 ms typical = 80 000 cycles at 400 MHz), then 0.
    const start = t.ctx.clock.cycles;
    expect(t.readCommand(0x05, 1)[0] & 0x03).toBe(0x03);
    t.autoPoll(0x00, 0x01, CPU_HZ);
    expect(t.ctx.clock.cycles).toBe(start + 80_000);
    expect(t.readCommand(0x05, 1)[0] & 0x03).toBe(0);
  });

  it('sector and block erase set their whole aligned area to 0xFF and keep WIP for the erase time', () => {
    const t = setup();
    t.flash.load(0x2000, new Uint8Array(0x3000).fill(0x11));
    t.init();
    t.command(0x00000106);
    t.command((2 << 12) | (1 << 10) | (1 << 8) | 0x20, 0x2345); // 4 KB sector erase at 0x2000
    expect(t.flash.memory[0x1fff]).toBe(0xff);
    expect(t.flash.memory[0x2000]).toBe(0xff);
    expect(t.flash.memory[0x2fff]).toBe(0xff);
    expect(t.flash.memory[0x3000]).toBe(0x11);
    // Commands during the erase are ignored by the chip (and reported).
    t.command(0x00000106);
    expect(t.ctx.rulesNamed('qspi-flash-busy')).toHaveLength(1);
    const start = t.ctx.clock.cycles;
    t.autoPoll(0x00, 0x01, CPU_HZ);
    expect(t.ctx.clock.cycles).toBe(start + 28_000_000); // tSE 70 ms typical × 400 MHz
    t.command(0x00000106);
    t.command((2 << 12) | (1 << 10) | (1 << 8) | 0xd8, 0x4); // 64 KB block erase of block 0
    expect(t.flash.memory[0x4fff]).toBe(0xff);
  });

  it('reports a memory-mapped quad read while the chip QE bit is clear', () => {
    const t = setup(0);
    t.init();
    t.set(ABR, 0xa0);
    t.set(CCR, 0x1f18edeb);
    expect(t.ctx.rulesNamed('qspi-quad-without-qe')).toHaveLength(1);
  });

  it('halves the address, alternate and data phases in DDR mode (instruction stays SDR)', () => {
    const t = setup();
    t.init();
    t.set(CCR, 0x1f18edeb | (1 << 31));
    // 24-bit address on 4 lines at 2 bits/line/clock = 3 clocks; mode byte 1 clock; 1 clock per byte.
    expect(t.qspi.readTiming()).toMatchObject({ ddr: true, instructionCycles: 8, addressCycles: 3, alternateCycles: 1, cyclesPerByte: 1 });
    let changes = 0;
    t.qspi.onTimingChange(() => changes++);
    t.set(CR, 0x03400001); // PRESCALER 3: 200 MHz / 4
    expect(t.qspi.readTiming().qspiHz).toBe(50e6);
    expect(changes).toBeGreaterThan(0);
  });

  it('follows the HAL: Command (CCR+AR) then Transmit (CCR rewrite, DR bytes); Command then Receive', () => {
    const t = setup();
    t.init();
    t.command(0x00000106);
    // Page program 0x02 with a 24-bit address and 4 data bytes, as HAL_QSPI_Command + HAL_QSPI_Transmit:
    const ccr = (1 << 24) | (2 << 12) | (1 << 10) | (1 << 8) | 0x02;
    t.set(DLR, 3);
    t.set(CCR, ccr);
    t.set(AR, 0x200);
    expect(t.reg(SR) & BUSY).toBe(0); // an indirect write with data starts at the first DR write
    t.set(CCR, ccr); // MODIFY_REG(CCR, FMODE, INDIRECT_WRITE)
    for (const b of [0x11, 0x22]) bus8(t, b);
    expect(t.reg(SR) & BUSY).toBe(BUSY);
    t.set(CCR, 0x00000105); // ignored while BUSY (RM0433: CCR writable only when BUSY = 0)
    for (const b of [0x33, 0x44]) bus8(t, b);
    t.waitFlag(TCF);
    t.set(FCR, TCF);
    expect([...t.flash.memory.subarray(0x200, 0x204)]).toEqual([0x11, 0x22, 0x33, 0x44]);
    t.autoPoll(0x00, 0x01, CPU_HZ);
    // Read back: HAL_QSPI_Command writes CCR in indirect-write mode, then HAL_QSPI_Receive switches
    // FMODE to read and rewrites AR, which starts the read.
    const read = (1 << 24) | (2 << 12) | (1 << 10) | (1 << 8) | 0x03;
    t.set(DLR, 3);
    t.set(CCR, read);
    t.set(AR, 0x201);
    const ar = t.reg(AR);
    t.set(CCR, read | (1 << 26));
    t.set(AR, ar);
    const out = [0, 1, 2].map(() => t.bus.read8(QSPI + DR));
    expect(out).toEqual([0x22, 0x33, 0x44]);
  });
});

function bus8(t: ReturnType<typeof setup>, b: number): void {
  t.waitFlag(FTF);
  t.bus.write8(QSPI + DR, b);
}
