import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

export const SYSCFG_BASE = 0x58000400;

/** Register offsets (RM0433 SYSCFG chapter). PWRCR (0x2C) is missing from the ST SVD but used by the HAL. */
export const SYSCFG = {
  PMCR: 0x04,
  EXTICR1: 0x08,
  EXTICR2: 0x0c,
  EXTICR3: 0x10,
  EXTICR4: 0x14,
  CCCSR: 0x20,
  CCVR: 0x24,
  CCCR: 0x28,
  PWRCR: 0x2c,
  PKGR: 0x124,
} as const;

const CCCSR_EN = 1 << 0;
const CCCSR_READY = 1 << 8;

/**
 * SYSCFG (RM0433 SYSCFG chapter): PWRCR.ODEN (VOS0 overdrive), EXTICR1–4 (which GPIO port drives EXTI lines
 * 0–15, reset = port A), the I/O compensation cell whose READY follows EN, everything else stored.
 */
export class Syscfg extends RegisterBlock {
  constructor(context: SocContext) {
    super('SYSCFG', SYSCFG_BASE, 0x400, context);
    this.stored(SYSCFG.PMCR, SYSCFG.EXTICR1, SYSCFG.EXTICR2, SYSCFG.EXTICR3, SYSCFG.EXTICR4, SYSCFG.CCCR, SYSCFG.PWRCR);
    this.storedRange(0x300, 0x344); // UR0–UR17 user option mirrors
    // CCCSR.READY follows EN at once: every register changes only by a write.
    this.eventStable(SYSCFG.PMCR, SYSCFG.EXTICR1, SYSCFG.EXTICR2, SYSCFG.EXTICR3, SYSCFG.EXTICR4, SYSCFG.CCCSR, SYSCFG.CCVR, SYSCFG.CCCR, SYSCFG.PWRCR, SYSCFG.PKGR);
    this.eventStableRange(0x300, 0x344);
  }

  /** SYSCFG_PWRCR.ODEN: with D3CR.VOS = scale 1 this selects VOS0 (RM0433 SYSCFG chapter). */
  get overdrive(): boolean {
    return (this.regs[SYSCFG.PWRCR >>> 2] & 1) !== 0;
  }

  /** GPIO port index (0 = A … 10 = K) routed to EXTI line `line` (0–15). */
  extiPort(line: number): number {
    const reg = this.regs[(SYSCFG.EXTICR1 >>> 2) + (line >>> 2)];
    return (reg >>> ((line & 3) * 4)) & 0xf;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset === SYSCFG.CCCSR) {
      const v = this.regs[SYSCFG.CCCSR >>> 2];
      return v & CCCSR_EN ? v | CCCSR_READY : v & ~CCCSR_READY;
    }
    if (offset === SYSCFG.CCVR || offset === SYSCFG.PKGR) return this.regs[offset >>> 2];
    return undefined;
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (offset === SYSCFG.CCCSR) {
      this.regs[SYSCFG.CCCSR >>> 2] = value & ~CCCSR_READY;
      return true;
    }
    if (offset === SYSCFG.PWRCR) {
      this.regs[SYSCFG.PWRCR >>> 2] = value & 1;
      return true;
    }
    if (offset === SYSCFG.CCVR || offset === SYSCFG.PKGR) return true; // read-only
    return false;
  }
}
