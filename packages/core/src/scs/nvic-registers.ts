import type { ExceptionModel } from '../exceptions.js';
import { Exc } from './exception-numbers.js';

/**
 * NVIC register view (ARMv7-M ARM DDI 0403E B3.4), offsets from 0xE000E100:
 * ISER 0x000, ICER 0x080, ISPR 0x100, ICPR 0x180, IABR 0x200 (one bit per line, 32 lines per word),
 * IPR 0x300 (one byte per line, only the top NVIC_PRIORITY_BITS implemented). Lines past the
 * implemented count read as zero and ignore writes.
 */
export const enum NvicReg {
  Iser = 0x000,
  Icer = 0x080,
  Ispr = 0x100,
  Icpr = 0x180,
  Iabr = 0x200,
  Ipr = 0x300,
  IprEnd = 0x3f0,
}

export function readNvic(model: ExceptionModel, offset: number): number {
  if (offset >= NvicReg.Ipr && offset < NvicReg.IprEnd) {
    const first = offset - NvicReg.Ipr;
    let word = 0;
    for (let b = 0; b < 4; b++) {
      const irq = first + b;
      if (irq < model.irqCount) word |= model.priority[Exc.FirstIrq + irq] << (8 * b);
    }
    return word >>> 0;
  }
  if (offset >= NvicReg.Iabr + 0x80) return 0;
  const group = offset >>> 7; // 0 ISER, 1 ICER, 2 ISPR, 3 ICPR, 4 IABR
  const firstIrq = ((offset & 0x7f) >>> 2) * 32;
  let word = 0;
  for (let bit = 0; bit < 32; bit++) {
    const irq = firstIrq + bit;
    if (irq >= model.irqCount) break;
    let set: boolean;
    if (group <= 1) set = model.irqEnabled[irq] !== 0;
    else if (group <= 3) set = model.isPending(Exc.FirstIrq + irq);
    else set = model.isActive(Exc.FirstIrq + irq);
    if (set) word |= 1 << bit;
  }
  return word >>> 0;
}

export function writeNvic(model: ExceptionModel, offset: number, value: number): void {
  if (offset >= NvicReg.Ipr && offset < NvicReg.IprEnd) {
    const first = offset - NvicReg.Ipr;
    for (let b = 0; b < 4; b++) {
      const irq = first + b;
      if (irq < model.irqCount) model.setPriority(Exc.FirstIrq + irq, (value >>> (8 * b)) & 0xff);
    }
    return;
  }
  if (offset >= NvicReg.Iabr) return; // IABR is read-only
  const group = offset >>> 7;
  const firstIrq = ((offset & 0x7f) >>> 2) * 32;
  for (let bit = 0; bit < 32; bit++) {
    if (((value >>> bit) & 1) === 0) continue;
    const irq = firstIrq + bit;
    if (irq >= model.irqCount) break;
    switch (group) {
      case 0:
        model.setIrqEnabled(irq, true);
        break;
      case 1:
        model.setIrqEnabled(irq, false);
        break;
      case 2:
        model.setPending(Exc.FirstIrq + irq);
        break;
      default:
        model.clearPending(Exc.FirstIrq + irq);
        break;
    }
  }
}
