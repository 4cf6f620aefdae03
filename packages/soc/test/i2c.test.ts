import { describe, expect, it } from 'vitest';
import { I2C, I2cController, SystemBus, Wm8731, type I2cTarget } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

const I2C2 = 0x40005800;
const ISR_TXE = 1 << 0;
const ISR_TXIS = 1 << 1;
const ISR_RXNE = 1 << 2;
const ISR_NACKF = 1 << 4;
const ISR_STOPF = 1 << 5;
const ISR_TC = 1 << 6;
const ISR_BUSY = 1 << 15;

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const i2c = new I2cController(ctx, 'I2C2');
  bus.mapDevice(i2c);
  const codec = new Wm8731();
  i2c.attach(codec);
  const r = (o: number) => bus.read32(I2C2 + o);
  const w = (o: number, v: number) => bus.write32(I2C2 + o, v);
  w(I2C.TIMINGR, 0x20d01132);
  w(I2C.CR1, 1); // PE
  return { ctx, i2c, codec, r, w };
}

/** Polls like the HAL's I2C_WaitOnFlagUntilTimeout, with a bound instead of a SysTick timeout. */
function waitFor(r: (o: number) => number, mask: number, set: boolean): void {
  for (let i = 0; i < 100; i++) if (((r(I2C.ISR) & mask) !== 0) === set) return;
  throw new Error(`flag 0x${mask.toString(16)} never became ${set ? 1 : 0}`);
}

/**
 * HAL_I2C_Master_Transmit as libDaisy's Wm8731::Init drives it (libdaisy-facts §8): first byte
 * preloaded into TXDR, CR2 = 0x0202A034 (SADD 0x34, NBYTES 2, AUTOEND, START), TXIS for the next
 * byte, STOPF at the end, cleared through ICR.
 */
function halTransmit(r: (o: number) => number, w: (o: number, v: number) => void, sadd: number, bytes: number[]): boolean {
  waitFor(r, ISR_BUSY, false);
  w(I2C.TXDR, bytes[0]);
  w(I2C.CR2, 0x0200a000 | (bytes.length << 16) | sadd);
  for (let i = 1; i < bytes.length; i++) {
    for (let n = 0; ; n++) {
      const isr = r(I2C.ISR);
      if (isr & ISR_NACKF) return false;
      if (isr & ISR_TXIS) break;
      if (n > 100) throw new Error('TXIS never set');
    }
    w(I2C.TXDR, bytes[i]);
  }
  waitFor(r, ISR_STOPF, true);
  w(I2C.ICR, ISR_STOPF);
  w(I2C.CR2, r(I2C.CR2) & ~0x03ff67ff);
  return true;
}

describe('I2C master (RM0433 §47) with the WM8731 codec (Daisy Seed 1.1)', () => {
  it('ISR resets to TXE and the bus is idle', () => {
    const { r } = setup();
    expect(r(I2C.ISR)).toBe(ISR_TXE);
  });

  it("delivers libDaisy's WM8731 init writes as 9-bit register values", () => {
    const { r, w, codec } = setup();
    const wire = [
      [0x1e, 0x00], [0x00, 0x17], [0x02, 0x17], [0x04, 0x00], [0x06, 0x00], [0x08, 0x12],
      [0x0a, 0x00], [0x0c, 0x62], [0x0e, 0x09], [0x10, 0x00], [0x12, 0x00], [0x12, 0x01],
    ];
    for (const pair of wire) expect(halTransmit(r, w, 0x34, pair)).toBe(true);
    // Register = first byte >> 1, value = (first byte & 1) << 8 | second byte (WM8731 datasheet).
    expect(codec.writes.map((x) => [x.register, x.value])).toEqual([
      [0x0f, 0], [0, 0x17], [1, 0x17], [2, 0], [3, 0], [4, 0x12], [5, 0], [6, 0x62], [7, 0x09], [8, 0], [9, 0], [9, 1],
    ]);
    expect(codec.registers[9]).toBe(1); // active
    expect(codec.registers[7]).toBe(0x09); // left-justified, 24-bit, slave
    expect(r(I2C.ISR) & (ISR_BUSY | ISR_NACKF | ISR_STOPF)).toBe(0);
  });

  it('a 9th data bit travels in bit 0 of the first byte', () => {
    const { r, w, codec } = setup();
    halTransmit(r, w, 0x34, [0x01, 0x80]); // R0 = 0x180
    expect(codec.registers[0]).toBe(0x180);
  });

  it('NACKs an address nobody answers: NACKF, then STOPF, bus released', () => {
    const { r, w } = setup();
    w(I2C.TXDR, 0x55);
    w(I2C.CR2, 0x02012000 | (0x4a << 1)); // 7-bit 0x4A, 1 byte
    const isr = r(I2C.ISR);
    expect(isr & ISR_NACKF).not.toBe(0);
    expect(isr & ISR_STOPF).not.toBe(0);
    expect(isr & ISR_BUSY).toBe(0);
    w(I2C.ICR, ISR_NACKF | ISR_STOPF);
    expect(r(I2C.ISR) & (ISR_NACKF | ISR_STOPF)).toBe(0);
  });

  it('without AUTOEND ends in TC and sends STOP on CR2.STOP; master receive fills RXDR', () => {
    const { r, w, i2c } = setup();
    const log: string[] = [];
    const echo: I2cTarget = {
      address: 0x50,
      start: (isRead) => (log.push(isRead ? 'Sr' : 'Sw'), true),
      write: (b) => (log.push(`w${b}`), true),
      read: () => 0xa5,
      stop: () => log.push('P'),
    };
    i2c.attach(echo);
    w(I2C.CR2, (1 << 16) | (1 << 13) | (0x50 << 1)); // write 1 byte, software end
    expect(r(I2C.ISR) & ISR_TXIS).not.toBe(0);
    w(I2C.TXDR, 7);
    expect(r(I2C.ISR) & ISR_TC).not.toBe(0);
    w(I2C.CR2, (2 << 16) | (1 << 25) | (1 << 13) | (1 << 10) | (0x50 << 1)); // repeated START, read 2, AUTOEND
    waitFor(r, ISR_RXNE, true);
    expect(r(I2C.RXDR)).toBe(0xa5);
    waitFor(r, ISR_RXNE, true);
    expect(r(I2C.RXDR)).toBe(0xa5);
    expect(r(I2C.ISR) & ISR_STOPF).not.toBe(0);
    expect(log).toEqual(['Sw', 'w7', 'Sr', 'P']);
  });

  it('PE = 0 resets the flags', () => {
    const { r, w } = setup();
    w(I2C.CR2, 0x02012000 | (0x4a << 1));
    w(I2C.CR1, 0);
    expect(r(I2C.ISR)).toBe(ISR_TXE);
  });
});
