import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

export const EXTI_BASE = 0x58000000;

/** Register offsets (RM0433 EXTI chapter): three banks of 32 lines, CPU registers at 0x80 + 0x10·bank. */
export const EXTI = {
  RTSR1: 0x00,
  FTSR1: 0x04,
  SWIER1: 0x08,
  CPUIMR1: 0x80,
  CPUEMR1: 0x84,
  CPUPR1: 0x88,
} as const;

/** NVIC lines of the GPIO EXTI lines 0–15 (SVD interrupt numbers: EXTI0–4, EXTI9_5, EXTI15_10). */
function gpioLineIrq(line: number): number {
  if (line <= 4) return 6 + line;
  return line <= 9 ? 23 : 40;
}

/**
 * EXTI (RM0433 EXTI chapter): edge selection, masks and pending registers stored and interpreted for the
 * configurable lines 0–15 (GPIO): an edge (`signal`) matching RTSR/FTSR, or a SWIER write, sets the
 * pending bit; CPUPR is write-1-to-clear; the NVIC line is high while a pending line is unmasked.
 * Direct (peripheral wake-up) lines and the D3 pending logic are stored only.
 */
export class Exti extends RegisterBlock {
  private readonly levels = new Uint8Array(16);

  constructor(context: SocContext) {
    super('EXTI', EXTI_BASE, 0x400, context);
    for (const bank of [0, 0x20, 0x40]) this.stored(bank + 0x00, bank + 0x04, bank + 0x0c, bank + 0x10, bank + 0x14);
    for (const bank of [0x80, 0x90, 0xa0]) this.stored(bank, bank + 4);
    // Configuration, masks and SWIER change only by writes. Not the pending registers (CPUPRx): a GPIO
    // edge sets them, and input levels are set from outside the clock.
    for (const bank of [0, 0x20, 0x40]) this.eventStable(bank + 0x00, bank + 0x04, bank + 0x08, bank + 0x0c, bank + 0x10, bank + 0x14);
    for (const bank of [0x80, 0x90, 0xa0]) this.eventStable(bank, bank + 4);
  }

  protected override onReset(): void {
    this.updateIrqs();
  }

  /** A level change on configurable line `line` (0–15), e.g. from the GPIO pin SYSCFG routes there. */
  signal(line: number, level: boolean): void {
    if (line < 0 || line > 15) throw new Error(`EXTI: line ${line} is not a GPIO line`);
    const old = this.levels[line] !== 0;
    this.levels[line] = level ? 1 : 0;
    if (old === level) return;
    const edgeMask = level ? this.regs[EXTI.RTSR1 >>> 2] : this.regs[EXTI.FTSR1 >>> 2];
    if (edgeMask & (1 << line)) this.setPending(1 << line);
  }

  private setPending(bits: number): void {
    this.regs[EXTI.CPUPR1 >>> 2] |= bits & 0xffff;
    this.updateIrqs();
  }

  private updateIrqs(): void {
    const active = this.regs[EXTI.CPUPR1 >>> 2] & this.regs[EXTI.CPUIMR1 >>> 2];
    const lines = new Map<number, boolean>();
    for (let line = 0; line < 16; line++) {
      const irq = gpioLineIrq(line);
      lines.set(irq, (lines.get(irq) ?? false) || (active & (1 << line)) !== 0);
    }
    for (const [irq, level] of lines) this.context.setIrq(irq, level);
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset === EXTI.CPUPR1 || offset === 0x98 || offset === 0xa8) return this.regs[offset >>> 2];
    if (offset === EXTI.SWIER1 || offset === 0x28 || offset === 0x48) return this.regs[offset >>> 2];
    return undefined;
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (offset === EXTI.CPUPR1 || offset === 0x98 || offset === 0xa8) {
      this.regs[offset >>> 2] &= ~value; // rc_w1
      if (offset === EXTI.CPUPR1) {
        this.regs[EXTI.SWIER1 >>> 2] &= ~value; // clearing the pending bit also clears SWIER (RM0433 EXTI chapter)
        this.updateIrqs();
      }
      return true;
    }
    if (offset === EXTI.SWIER1 || offset === 0x28 || offset === 0x48) {
      const rising = this.regs[offset >>> 2] ^ value;
      this.regs[offset >>> 2] |= value;
      if (offset === EXTI.SWIER1) this.setPending(rising & value);
      return true;
    }
    if (offset === EXTI.CPUIMR1) {
      this.regs[offset >>> 2] = value;
      this.updateIrqs();
      return true;
    }
    return false;
  }
}
