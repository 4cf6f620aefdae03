/**
 * The CRC unit against published check values: the CRC of the ASCII bytes "123456789" for each
 * algorithm of the CRC catalogue (reveng.sourceforge.io/crc-catalogue, "check"), computed the way
 * firmware drives the unit (RM0433 CRC chapter: POLYSIZE, REV_IN, REV_OUT, INIT, POL; the unit applies no
 * final XOR, so the catalogue's xorout is applied here).
 */
import { describe, expect, it } from 'vitest';
import { SystemBus, attachSystemPeripherals } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

const CRC = 0x5802_4c00;
const DR = CRC + 0x00;
const CR = CRC + 0x08;
const INIT = CRC + 0x10; // CMSIS CRC_TypeDef (0x0C reserved)
const POL = CRC + 0x14;
const CHECK = [...'123456789'].map((c) => c.charCodeAt(0));

function unit() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  attachSystemPeripherals(bus, ctx);
  return { ctx, bus };
}

describe('CRC calculation unit (RM0433)', () => {
  it('CRC-32/MPEG-2 with the reset configuration (poly 0x04C11DB7, init 0xFFFFFFFF, no reflection): 0x0376E6E7', () => {
    const { bus, ctx } = unit();
    bus.write32(CR, 1); // RESET
    for (const b of CHECK) bus.write8(DR, b);
    expect(bus.read32(DR) >>> 0).toBe(0x0376e6e7);
    expect(ctx.unmodelledCalls).toEqual([]);
  });

  it('takes 8, 16 or 32 bits by the access size: word and half-word writes give the same CRC as the bytes', () => {
    const { bus } = unit();
    bus.write32(CR, 1);
    bus.write32(DR, 0x31323334); // "1234", most significant byte first
    bus.write16(DR, 0x3536); // "56"
    bus.write16(DR, 0x3738); // "78"
    bus.write8(DR, 0x39); // "9"
    expect(bus.read32(DR) >>> 0).toBe(0x0376e6e7);
  });

  it('CRC-32/ISO-HDLC (the zip CRC): input reversed by byte, output reversed, final XOR 0xFFFFFFFF: 0xCBF43926', () => {
    const { bus } = unit();
    bus.write32(CR, (1 << 5) | (1 << 7) | 1); // REV_IN by byte, REV_OUT, RESET
    for (const b of CHECK) bus.write8(DR, b);
    expect((bus.read32(DR) ^ 0xffff_ffff) >>> 0).toBe(0xcbf43926);
  });

  it('CRC-16/IBM-3740 (poly 0x1021, init 0xFFFF, 16-bit): 0x29B1; CRC-8/SMBUS (poly 0x07, init 0): 0xF4', () => {
    const { bus } = unit();
    bus.write32(POL, 0x1021);
    bus.write32(INIT, 0xffff);
    bus.write32(CR, (1 << 3) | 1); // POLYSIZE 16, RESET
    for (const b of CHECK) bus.write8(DR, b);
    expect(bus.read32(DR)).toBe(0x29b1);
    bus.write32(POL, 0x07);
    bus.write32(INIT, 0);
    bus.write32(CR, (2 << 3) | 1); // POLYSIZE 8, RESET
    for (const b of CHECK) bus.write8(DR, b);
    expect(bus.read32(DR)).toBe(0xf4);
    expect(bus.read32(CR) & 1).toBe(0); // RESET clears itself
  });
});
