import type { SocContext } from '@seedsim/core';
import { ClockTree, computeClocks, DAISY_OSCILLATORS, RCC_CR, type Oscillators, type RccClockRegisters } from './clock-tree.js';
import { RegisterBlock } from './register-block.js';

export const RCC_BASE = 0x58024400;

/** Register offsets (RM0433 RCC chapter register map). */
export const RCC = {
  CR: 0x000,
  HSICFGR: 0x004,
  CRRCR: 0x008,
  CSICFGR: 0x00c,
  CFGR: 0x010,
  D1CFGR: 0x018,
  D2CFGR: 0x01c,
  D3CFGR: 0x020,
  PLLCKSELR: 0x028,
  PLLCFGR: 0x02c,
  PLL1DIVR: 0x030,
  PLL1FRACR: 0x034,
  PLL2DIVR: 0x038,
  PLL2FRACR: 0x03c,
  PLL3DIVR: 0x040,
  PLL3FRACR: 0x044,
  D1CCIPR: 0x04c,
  D2CCIP1R: 0x050,
  D2CCIP2R: 0x054,
  D3CCIPR: 0x058,
  CIER: 0x060,
  CIFR: 0x064,
  CICR: 0x068,
  BDCR: 0x070,
  CSR: 0x074,
  AHB3RSTR: 0x07c,
  RSR: 0x0d0,
  AHB3ENR: 0x0d4,
  AHB1ENR: 0x0d8,
  AHB2ENR: 0x0dc,
  AHB4ENR: 0x0e0,
  APB3ENR: 0x0e4,
  APB1LENR: 0x0e8,
  APB1HENR: 0x0ec,
  APB2ENR: 0x0f0,
  APB4ENR: 0x0f4,
  APB4LPENR: 0x11c,
  /** RM0433 RCC chapter: C1_RSR … C1_APB4LPENR at 0x130–0x17C are the CPU1 views of RSR … APB4LPENR. */
  C1_RSR: 0x130,
  C1_APB4LPENR: 0x17c,
} as const;

/** CR reset 0x0000_0025: HSION, HSIRDY, HSIDIVF (RM0433 RCC chapter; libdaisy-facts §8). */
const CR_RESET = 0x00000025;
/** CR bits the hardware owns (ready flags): writes to them are ignored. */
const CR_READ_ONLY = RCC_CR.HSIRDY | RCC_CR.HSIDIVF | RCC_CR.CSIRDY | RCC_CR.HSI48RDY | RCC_CR.D1CKRDY | RCC_CR.D2CKRDY | RCC_CR.HSERDY | RCC_CR.PLL1RDY | RCC_CR.PLL2RDY | RCC_CR.PLL3RDY;
/** ON bit → RDY bit pairs: a ready flag follows its enable both ways (libdaisy-facts §8: HAL polls both). */
const READY_PAIRS: readonly (readonly [number, number])[] = [
  [RCC_CR.HSION, RCC_CR.HSIRDY],
  [RCC_CR.CSION, RCC_CR.CSIRDY],
  [RCC_CR.HSI48ON, RCC_CR.HSI48RDY],
  [RCC_CR.HSEON, RCC_CR.HSERDY],
  [RCC_CR.PLL1ON, RCC_CR.PLL1RDY],
  [RCC_CR.PLL2ON, RCC_CR.PLL2RDY],
  [RCC_CR.PLL3ON, RCC_CR.PLL3RDY],
];
/** CFGR.SW source → the CR ready bit it needs (RM0433 RCC chapter: the switch happens once the source is ready). */
const SOURCE_READY = [RCC_CR.HSIRDY, RCC_CR.CSIRDY, RCC_CR.HSERDY, RCC_CR.PLL1RDY];

const CLOCK_REGISTERS = new Set<number>([
  RCC.CR, RCC.CFGR, RCC.D1CFGR, RCC.D2CFGR, RCC.D3CFGR, RCC.PLLCKSELR, RCC.PLLCFGR,
  RCC.PLL1DIVR, RCC.PLL1FRACR, RCC.PLL2DIVR, RCC.PLL2FRACR, RCC.PLL3DIVR, RCC.PLL3FRACR,
  RCC.D1CCIPR, RCC.D2CCIP1R, RCC.D2CCIP2R, RCC.D3CCIPR,
]);

/**
 * RCC (RM0433 RCC chapter): ready flags that follow their enables, the system clock switch, all dividers and
 * kernel-clock muxes stored, every reset/enable/low-power enable register stored, and the computed
 * {@link ClockTree}. Oscillators and PLLs lock immediately (the HAL only polls; no delay is modelled).
 */
export class Rcc extends RegisterBlock {
  readonly clockTree: ClockTree;

  constructor(context: SocContext, private readonly oscillators: Oscillators = DAISY_OSCILLATORS) {
    super('RCC', RCC_BASE, 0x400, context);
    this.regs[RCC.CR >>> 2] = CR_RESET;
    this.stored(RCC.CR, RCC.HSICFGR, RCC.CRRCR, RCC.CSICFGR, RCC.CFGR, RCC.D1CFGR, RCC.D2CFGR, RCC.D3CFGR);
    this.storedRange(RCC.PLLCKSELR, RCC.PLL3FRACR);
    this.storedRange(RCC.D1CCIPR, RCC.D3CCIPR);
    this.stored(RCC.CIER, RCC.CIFR, RCC.BDCR, RCC.CSR);
    this.storedRange(RCC.AHB3RSTR, 0x0a8); // AHB3RSTR … APB4RSTR, GCR, D3AMR
    this.storedRange(RCC.RSR, RCC.APB4LPENR);
    this.storedRange(RCC.C1_RSR, RCC.C1_APB4LPENR);
    // Oscillators and PLLs are ready as soon as they are enabled: every register changes only by a write.
    this.eventStable(RCC.CR, RCC.HSICFGR, RCC.CRRCR, RCC.CSICFGR, RCC.CFGR, RCC.D1CFGR, RCC.D2CFGR, RCC.D3CFGR);
    this.eventStableRange(RCC.PLLCKSELR, RCC.PLL3FRACR);
    this.eventStableRange(RCC.D1CCIPR, RCC.D3CCIPR);
    this.eventStable(RCC.CIER, RCC.CIFR, RCC.BDCR, RCC.CSR);
    this.eventStableRange(RCC.AHB3RSTR, 0x0a8);
    this.eventStableRange(RCC.RSR, RCC.APB4LPENR);
    this.eventStableRange(RCC.C1_RSR, RCC.C1_APB4LPENR);
    this.clockTree = new ClockTree(computeClocks(this.clockRegisters(), oscillators));
  }

  /**
   * System reset: the backup domain (BDCR) survives (RM0433 RCC chapter, "Backup domain reset"), and
   * RSR records a software reset (SFTRSTF, bit 24) plus the pin reset that follows it (PINRSTF, bit 22).
   */
  override reset(): void {
    const bdcr = this.regs[RCC.BDCR >>> 2];
    const rsr = this.regs[RCC.RSR >>> 2];
    super.reset();
    this.regs[RCC.BDCR >>> 2] = bdcr;
    this.regs[RCC.RSR >>> 2] = rsr | (1 << 24) | (1 << 22);
  }

  protected override onReset(): void {
    this.recompute();
  }

  /** True when `bit` of the enable register at `enrOffset` (e.g. RCC.AHB2ENR) is set. */
  isEnabled(enrOffset: number, bit: number): boolean {
    return (this.regs[enrOffset >>> 2] & (1 << bit)) !== 0;
  }

  /** The value of any RCC register (no side effects). */
  register(offset: number): number {
    return this.regs[this.canonical(offset) >>> 2];
  }

  /** C1_xxx registers are the same storage as their plain counterparts. */
  private canonical(offset: number): number {
    return offset >= RCC.C1_RSR && offset <= RCC.C1_APB4LPENR ? offset - (RCC.C1_RSR - RCC.RSR) : offset;
  }

  protected override readRegister(offset: number): number | undefined {
    const o = this.canonical(offset);
    // CSR.LSIRDY (bit 1) follows LSION (bit 0); BDCR.LSERDY (bit 1) follows LSEON (bit 0) (RM0433 RCC chapter).
    if (o === RCC.CSR || o === RCC.BDCR) {
      const v = this.regs[o >>> 2];
      return v & 1 ? v | 2 : v & ~2;
    }
    return o === offset ? undefined : this.regs[o >>> 2];
  }

  protected override writeRegister(offset: number, value: number): boolean {
    const o = this.canonical(offset);
    if (o === RCC.CR) this.writeCr(value);
    else if (o === RCC.CFGR) this.writeCfgr(value);
    else if (o === RCC.CICR) this.regs[RCC.CIFR >>> 2] &= ~value; // write-1-to-clear flags
    else if (o !== offset || CLOCK_REGISTERS.has(o)) this.regs[o >>> 2] = value;
    else return false;
    if (CLOCK_REGISTERS.has(o)) this.recompute();
    return true;
  }

  private writeCr(value: number): void {
    const sws = (this.regs[RCC.CFGR >>> 2] >>> 3) & 7;
    // RM0433 RCC chapter: HSION cannot be cleared while HSI is the system clock, PLL1ON not while PLL1 is.
    if (sws === 0) value |= RCC_CR.HSION;
    if (sws === 2) value |= RCC_CR.HSEON;
    if (sws === 3) value |= RCC_CR.PLL1ON;
    let cr = (value & ~CR_READ_ONLY) | RCC_CR.HSIDIVF;
    for (const [on, rdy] of READY_PAIRS) if (cr & on) cr |= rdy;
    this.regs[RCC.CR >>> 2] = cr >>> 0;
    // A switch requested while its source was not ready completes once the source is ready.
    this.writeCfgr(this.regs[RCC.CFGR >>> 2]);
  }

  private writeCfgr(value: number): void {
    const old = this.regs[RCC.CFGR >>> 2];
    const sw = value & 7;
    const ready = sw < 4 && (this.regs[RCC.CR >>> 2] & SOURCE_READY[sw]) !== 0;
    const sws = ready ? sw : (old >>> 3) & 7;
    this.regs[RCC.CFGR >>> 2] = ((value & ~0x38) | (sws << 3)) >>> 0;
  }

  private clockRegisters(): RccClockRegisters {
    const r = (o: number) => this.regs[o >>> 2];
    return {
      cr: r(RCC.CR),
      cfgr: r(RCC.CFGR),
      d1cfgr: r(RCC.D1CFGR),
      d2cfgr: r(RCC.D2CFGR),
      d3cfgr: r(RCC.D3CFGR),
      pllckselr: r(RCC.PLLCKSELR),
      pllcfgr: r(RCC.PLLCFGR),
      plldivr: [r(RCC.PLL1DIVR), r(RCC.PLL2DIVR), r(RCC.PLL3DIVR)],
      pllfracr: [r(RCC.PLL1FRACR), r(RCC.PLL2FRACR), r(RCC.PLL3FRACR)],
      d1ccipr: r(RCC.D1CCIPR),
      d2ccip1r: r(RCC.D2CCIP1R),
      d2ccip2r: r(RCC.D2CCIP2R),
      d3ccipr: r(RCC.D3CCIPR),
    };
  }

  private recompute(): void {
    this.clockTree.update(computeClocks(this.clockRegisters(), this.oscillators));
  }
}
