import type { SocContext } from '@seedsim/core';
import type { ClockTree } from './clock-tree.js';
import { RegisterBlock } from './register-block.js';

export const FLASH_BASE = 0x52002000;

/** Register offsets (RM0433 FLASH chapter). Bank-2 copies at +0x100 exist in the map; the H750 has one bank. */
export const FLASH = {
  ACR: 0x000,
  KEYR1: 0x004,
  OPTKEYR: 0x008,
  CR1: 0x00c,
  SR1: 0x010,
  CCR1: 0x014,
  OPTCR: 0x018,
  ACR_ALIAS: 0x100,
} as const;

/** RM0433 FLASH chapter: FLASH_ACR reset 0x0000_0037 (LATENCY 7, WRHIGHFREQ 3). */
const ACR_RESET = 0x00000037;
/** RM0433 FLASH chapter: CR1 reset 0x0000_0031 (LOCK1, PSIZE1 = 64-bit). */
const CR1_RESET = 0x00000031;
const CR1_LOCK = 1 << 0;
/** RM0433 FLASH chapter: the unlock key sequence for FLASH_KEYR1. */
const KEY1 = 0x45670123;
const KEY2 = 0xcdef89ab;

/**
 * Highest AXI clock for each LATENCY value (RM0433 Rev 7 Table 17 via hw-facts §3.2, VOS1/VOS0 rows:
 * 0 WS ≤ 70 MHz, 1 WS ≤ 140, 2 WS ≤ 210 (185–210 with WRHIGHFREQ 2), 3 WS ≤ 225, 4 WS ≤ 240).
 */
const MAX_ACLK_BY_LATENCY = [70e6, 140e6, 210e6, 225e6, 240e6];

/**
 * Embedded flash interface: ACR LATENCY/WRHIGHFREQ read back (the HAL checks the read-back,
 * libdaisy-facts §8), `waitStates` for the timing model, and a 'flash-wait-states' rule when the AXI
 * clock outruns the programmed latency. The KEYR1 unlock sequence clears CR1.LOCK1; programming and
 * erase are not modelled.
 */
export class Flash extends RegisterBlock {
  private keyStage = 0;
  private readonly latencyListeners: (() => void)[] = [];

  constructor(context: SocContext, private readonly clocks?: ClockTree) {
    super('FLASH', FLASH_BASE, 0x1000, context, 'Flash');
    this.regs[FLASH.ACR >>> 2] = ACR_RESET;
    this.regs[FLASH.CR1 >>> 2] = CR1_RESET;
    this.stored(FLASH.SR1, FLASH.OPTCR);
    this.eventStable(FLASH.ACR, FLASH.KEYR1, FLASH.OPTKEYR, FLASH.CR1, FLASH.SR1, FLASH.OPTCR, FLASH.ACR_ALIAS);
    clocks?.onChange(() => this.checkLatency());
  }

  protected override onReset(): void {
    this.keyStage = 0;
    for (const listener of this.latencyListeners) listener();
  }

  /** ACR.LATENCY: flash read wait states (AXI clock cycles). */
  get waitStates(): number {
    return this.regs[FLASH.ACR >>> 2] & 0xf;
  }

  /** Calls `listener` after every ACR write (the timing model re-derives flash line-fill costs). */
  onLatencyChange(listener: () => void): void {
    this.latencyListeners.push(listener);
  }

  /** ACR.WRHIGHFREQ: programming delay. */
  get writeHighFrequency(): number {
    return (this.regs[FLASH.ACR >>> 2] >>> 4) & 3;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset === FLASH.ACR_ALIAS) return this.regs[FLASH.ACR >>> 2];
    if (offset === FLASH.KEYR1 || offset === FLASH.OPTKEYR) return 0; // write-only
    if (offset === FLASH.ACR || offset === FLASH.CR1) return this.regs[offset >>> 2];
    return undefined;
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case FLASH.ACR:
      case FLASH.ACR_ALIAS:
        this.regs[FLASH.ACR >>> 2] = value & 0x3f;
        this.checkLatency();
        for (const listener of this.latencyListeners) listener();
        return true;
      case FLASH.KEYR1:
        if (this.keyStage === 0 && value === KEY1) this.keyStage = 1;
        else if (this.keyStage === 1 && value === KEY2) {
          this.regs[FLASH.CR1 >>> 2] &= ~CR1_LOCK;
          this.keyStage = 0;
        } else this.keyStage = 0;
        return true;
      case FLASH.CR1: {
        const cr1 = this.regs[FLASH.CR1 >>> 2];
        // Writing LOCK1 = 1 locks; while locked the register cannot be changed (RM0433 FLASH chapter).
        if (cr1 & CR1_LOCK) return true;
        this.regs[FLASH.CR1 >>> 2] = value;
        return true;
      }
      case FLASH.CCR1:
        this.regs[FLASH.SR1 >>> 2] &= ~value; // write 1 to clear status flags
        return true;
      default:
        return false;
    }
  }

  private checkLatency(): void {
    if (!this.clocks) return;
    const aclk = this.clocks.clocks.hclk;
    const ws = this.waitStates;
    const max = ws < MAX_ACLK_BY_LATENCY.length ? MAX_ACLK_BY_LATENCY[ws] : Infinity;
    if (aclk > max) {
      this.context.rule(
        'flash-wait-states',
        FLASH_BASE + FLASH.ACR,
        true,
        `AXI clock ${(aclk / 1e6).toFixed(1)} MHz needs more than LATENCY=${ws} flash wait states (RM0433 Table 17): flash reads return corrupt data`,
      );
    }
  }
}
