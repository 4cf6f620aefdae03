import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

export const PWR_BASE = 0x58024800;

/** Register offsets (RM0433 PWR chapter). */
export const PWR = {
  CR1: 0x00,
  CSR1: 0x04,
  CR2: 0x08,
  CR3: 0x0c,
  CPUCR: 0x10,
  D3CR: 0x18,
  WKUPCR: 0x20,
  WKUPFR: 0x24,
  WKUPEPR: 0x28,
} as const;

const CR1_DBP = 1 << 8;
const CSR1_ACTVOSRDY = 1 << 13;
const CR2_BREN = 1 << 0;
const CR2_BRRDY = 1 << 16;
const CR3_BYPASS = 1 << 0;
const CR3_LDOEN = 1 << 1;
const CR3_SCUEN = 1 << 2;
const CR3_USB33DEN = 1 << 24;
const CR3_USB33RDY = 1 << 26;
const D3CR_VOSRDY = 1 << 13;
const D3CR_VOS_SHIFT = 14;

/**
 * PWR (RM0433 PWR chapter): the supply configuration is writable once after power-on (CR3.SCUEN, reset
 * 0x0000_0006 = SCUEN | LDOEN; cleared by the first write and stays 0 until the next power-on reset,
 * libdaisy-facts §8). Voltage scaling is immediate: D3CR.VOSRDY and CSR1.ACTVOSRDY read 1 and
 * CSR1.ACTVOS mirrors D3CR.VOS (the real ramp, RM0433 PWR chapter, is not modelled).
 */
export class Pwr extends RegisterBlock {
  constructor(context: SocContext) {
    super('PWR', PWR_BASE, 0x400, context);
    this.stored(PWR.CR1, PWR.CPUCR, PWR.WKUPCR, PWR.WKUPEPR);
    // The ready flags follow the written bits at once.
    this.eventStable(PWR.CR1, PWR.CSR1, PWR.CR2, PWR.CR3, PWR.CPUCR, PWR.D3CR, PWR.WKUPCR, PWR.WKUPFR, PWR.WKUPEPR);
  }

  /** A system reset leaves CR3 alone: SCUEN and the supply bits return only at power-on (libdaisy-facts §8). */
  override reset(): void {
    const cr3 = this.regs[PWR.CR3 >>> 2];
    super.reset();
    this.regs[PWR.CR3 >>> 2] = cr3;
  }

  /** CR1.DBP: backup domain (RTC, backup SRAM) write access enabled. */
  get backupWriteEnabled(): boolean {
    return (this.regs[PWR.CR1 >>> 2] & CR1_DBP) !== 0;
  }

  /** D3CR.VOS: 1 = scale 3 … 3 = scale 1 (VOS0 = scale 1 plus SYSCFG_PWRCR.ODEN). */
  get voltageScale(): number {
    return (this.regs[PWR.D3CR >>> 2] >>> D3CR_VOS_SHIFT) & 3;
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case PWR.CSR1:
        // ACTVOS (bits 15:14) follows D3CR.VOS; ACTVOSRDY set.
        return (this.regs[PWR.CSR1 >>> 2] & ~0xe000) | (this.voltageScale << 14) | CSR1_ACTVOSRDY;
      case PWR.CR2: {
        const cr2 = this.regs[PWR.CR2 >>> 2];
        return cr2 & CR2_BREN ? cr2 | CR2_BRRDY : cr2 & ~CR2_BRRDY;
      }
      case PWR.CR3: {
        const cr3 = this.regs[PWR.CR3 >>> 2];
        return cr3 & CR3_USB33DEN ? cr3 | CR3_USB33RDY : cr3;
      }
      case PWR.D3CR:
        return this.regs[PWR.D3CR >>> 2] | D3CR_VOSRDY;
      case PWR.WKUPFR:
        return this.regs[PWR.WKUPFR >>> 2];
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case PWR.CSR1:
        return true; // read-only
      case PWR.CR2:
        this.regs[PWR.CR2 >>> 2] = value & ~CR2_BRRDY;
        return true;
      case PWR.CR3: {
        const old = this.regs[PWR.CR3 >>> 2];
        const supplyBits = CR3_BYPASS | CR3_LDOEN | CR3_SCUEN;
        // While SCUEN = 1 the supply bits take the written value; afterwards they are locked.
        const supply = old & CR3_SCUEN ? value & (CR3_BYPASS | CR3_LDOEN) : old & supplyBits;
        this.regs[PWR.CR3 >>> 2] = ((value & ~supplyBits & ~CR3_USB33RDY) | supply) >>> 0;
        return true;
      }
      case PWR.D3CR:
        this.regs[PWR.D3CR >>> 2] = value & (3 << D3CR_VOS_SHIFT);
        return true;
      case PWR.WKUPFR:
        return true; // flags cleared through WKUPCR; none are ever set here
      default:
        return false;
    }
  }
}
