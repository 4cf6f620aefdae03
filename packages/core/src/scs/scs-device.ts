import { MmioDevice, type AccessSize } from '../mmio.js';
import type { ExceptionModel } from '../exceptions.js';
import { readNvic, writeNvic } from './nvic-registers.js';
import { ScbRegisters } from './scb-registers.js';

/**
 * The System Control Space, 0xE000E000–0xE000EFFF (ARMv7-M ARM DDI 0403E B3.2 Table B3-3), as one
 * memory-mapped device that routes each offset to its block:
 *   0x004 ICTR, 0x008 ACTLR · 0x010–0x01F SysTick · 0x100–0x4EF NVIC · 0xD00–0xD8F SCB ·
 *   0xD90–0xDBB MPU · 0xDF0–0xDFF CoreDebug · 0xF00 STIR · 0xF34–0xF48 FP system registers ·
 *   0xF50–0xF78 cache maintenance.
 * Sub-word writes to registers whose bits act when written as one (NVIC set/clear, ICSR, CFSR, HFSR,
 * STIR, maintenance) write zeros to the other bytes instead of a read-modify-write, so a byte write to
 * CFSR clears only the bits it names; other registers (IPR, SHPR …) keep the read-modify-write.
 */
export class SystemControlSpace extends MmioDevice {
  readonly scb: ScbRegisters;
  /** Told of accesses to offsets no block implements (reads return 0, writes are ignored). */
  onUnmodelled: ((offset: number, isWrite: boolean, value: number) => void) | null = null;

  constructor(readonly model: ExceptionModel) {
    super('SCS', 0xe000e000, 0x1000);
    this.scb = new ScbRegisters(model);
  }

  override write(offset: number, value: number, size: AccessSize): void {
    if (size !== 4 && actsOnOnes(offset)) {
      const shift = (offset & 3) * 8;
      const mask = size === 2 ? 0xffff : 0xff;
      this.writeWord(offset & ~3, ((value & mask) << shift) >>> 0);
      return;
    }
    super.write(offset, value, size);
  }

  readWord(offset: number): number {
    const m = this.model;
    if (offset >= 0x100 && offset < 0x4f0) return readNvic(m, offset - 0x100);
    if (offset >= 0xd00 && offset < 0xd90) return this.scb.read(offset - 0xd00);
    if (offset >= 0xd90 && offset < 0xdbc) return m.mpu.readRegister(offset - 0xd90);
    if (offset >= 0xf34 && offset < 0xf7c) return this.scb.read(offset - 0xd00);
    if (offset >= 0x010 && offset < 0x020) return m.sysTick.readRegister(offset - 0x010);
    if (offset >= 0xdf0 && offset < 0xe00) return m.debug.readRegister(offset - 0xdf0);
    switch (offset) {
      case 0x004:
        // ICTR.INTLINESNUM: number of 32-line groups minus one (B3.4.3).
        return Math.ceil(m.irqCount / 32) - 1;
      case 0x008:
        return m.actlr;
      case 0xf00:
        return 0; // STIR is write-only
      default:
        if (this.onUnmodelled) this.onUnmodelled(offset, false, 0);
        return 0;
    }
  }

  writeWord(offset: number, value: number): void {
    const m = this.model;
    value >>>= 0;
    if (offset >= 0x100 && offset < 0x4f0) writeNvic(m, offset - 0x100, value);
    else if (offset >= 0xd00 && offset < 0xd90) this.scb.write(offset - 0xd00, value);
    else if (offset >= 0xd90 && offset < 0xdbc) m.mpu.writeRegister(offset - 0xd90, value);
    else if (offset >= 0xf34 && offset < 0xf7c) this.scb.write(offset - 0xd00, value);
    else if (offset >= 0x010 && offset < 0x020) m.sysTick.writeRegister(offset - 0x010, value);
    else if (offset >= 0xdf0 && offset < 0xe00) m.debug.writeRegister(offset - 0xdf0, value);
    else if (offset === 0x008) m.actlr = value;
    else if (offset === 0xf00) {
      // STIR (B3.4.4): INTID in bits 8:0 pends that interrupt.
      const irq = value & 0x1ff;
      if (irq < m.irqCount) m.pendIrq(irq);
    } else if (this.onUnmodelled) this.onUnmodelled(offset, true, value);
  }
}

function actsOnOnes(offset: number): boolean {
  return (
    (offset >= 0x100 && offset < 0x400) || // ISER ICER ISPR ICPR IABR
    (offset >= 0xd04 && offset < 0xd08) || // ICSR
    (offset >= 0xd28 && offset < 0xd30) || // CFSR, HFSR
    (offset >= 0xf00 && offset < 0xf04) || // STIR
    (offset >= 0xf50 && offset < 0xf7c) // cache maintenance
  );
}
