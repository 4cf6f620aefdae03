import type { AccessSize, SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

export const CRC_BASE = 0x5802_4c00;

/**
 * Register offsets (RM0433 CRC register map; CMSIS stm32h750xx.h CRC_TypeDef: 0x0C is reserved). The
 * STM32H750 SVD puts INIT and POL at 0x0C and 0x10, one word too low.
 */
export const CRC = { DR: 0x00, IDR: 0x04, CR: 0x08, INIT: 0x10, POL: 0x14 } as const;

const CR_RESET = 1 << 0;
/** CRC_INIT and CRC_POL reset values, 0xFFFFFFFF and 0x04C11DB7 (RM0433 CRC registers; the SVD gives 0 for both). */
const INIT_RESET = 0xffff_ffff;
const POL_RESET = 0x04c1_1db7;

/** Reverses the low `bits` bits of `value`. */
function reverseBits(value: number, bits: number): number {
  let out = 0;
  for (let i = 0; i < bits; i++) out = (out << 1) | ((value >>> i) & 1);
  return out >>> 0;
}

/**
 * CRC calculation unit (RM0433, CRC calculation unit chapter): each write to DR feeds its 8, 16 or 32 bits (the access size) through
 * the polynomial in POL, of CR.POLYSIZE bits (32, 16, 8 or 7), most significant bit first, after the bit
 * reversal CR.REV_IN asks for (none, by byte, by half-word, by word); DR reads back the CRC, bit-reversed
 * when CR.REV_OUT is set. CR.RESET loads DR with INIT. The result is ready at once here; its few AHB
 * cycles of computation are not modelled (a read right after a write waits for them on the chip).
 */
export class Crc extends RegisterBlock {
  /** The CRC register, POLYSIZE bits. */
  private crc = INIT_RESET;

  constructor(context: SocContext) {
    super('CRC', CRC_BASE, 0x400, context);
    this.regs[CRC.INIT >>> 2] = INIT_RESET;
    this.regs[CRC.POL >>> 2] = POL_RESET;
    this.stored(CRC.IDR, CRC.INIT, CRC.POL);
    this.eventStable(CRC.DR, CRC.IDR, CRC.CR, CRC.INIT, CRC.POL);
  }

  protected override onReset(): void {
    this.crc = INIT_RESET;
  }

  private get polySize(): number {
    return [32, 16, 8, 7][(this.regs[CRC.CR >>> 2] >>> 3) & 3];
  }

  /** DR as read: the CRC, bit-reversed when CR.REV_OUT is set. */
  private output(): number {
    const size = this.polySize;
    return (this.regs[CRC.CR >>> 2] & (1 << 7)) !== 0 ? reverseBits(this.crc, size) : this.crc >>> 0;
  }

  /** Feeds `bits` (8, 16 or 32) of `data` into the CRC, with the input reversal of CR.REV_IN. */
  private feed(data: number, bits: number): void {
    const revIn = (this.regs[CRC.CR >>> 2] >>> 5) & 3;
    if (revIn !== 0) {
      // By byte, half-word or word: each unit of that many bits is reversed in place (RM0433, CR.REV_IN).
      const unit = Math.min(bits, [0, 8, 16, 32][revIn]);
      let reversed = 0;
      for (let shift = 0; shift < bits; shift += unit) reversed |= reverseBits((data >>> shift) & (unit === 32 ? 0xffff_ffff : (1 << unit) - 1), unit) << shift;
      data = reversed >>> 0;
    }
    const size = this.polySize;
    const mask = size === 32 ? 0xffff_ffff : (1 << size) - 1;
    const poly = this.regs[CRC.POL >>> 2] & mask;
    let crc = this.crc & mask;
    for (let i = bits - 1; i >= 0; i--) {
      const top = ((crc >>> (size - 1)) & 1) ^ ((data >>> i) & 1);
      crc = (crc << 1) & mask;
      if (top) crc ^= poly;
    }
    this.crc = crc >>> 0;
  }

  override write(offset: number, value: number, size: AccessSize): void {
    // DR takes 8, 16 or 32 bits by the access size, not a read-modify-write of the word.
    if ((offset & ~3) === CRC.DR) this.feed(value & (size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff), 8 * size);
    else super.write(offset, value, size);
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset === CRC.DR) return this.output();
    if (offset === CRC.CR) return this.regs[CRC.CR >>> 2] & ~CR_RESET; // RESET reads 0 (it clears itself)
    return undefined;
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (offset === CRC.DR) {
      this.feed(value, 32);
      return true;
    }
    if (offset === CRC.CR) {
      this.regs[CRC.CR >>> 2] = value & 0xf9;
      if (value & CR_RESET) this.crc = this.regs[CRC.INIT >>> 2] & (this.polySize === 32 ? 0xffff_ffff : (1 << this.polySize) - 1);
      return true;
    }
    return false;
  }
}
