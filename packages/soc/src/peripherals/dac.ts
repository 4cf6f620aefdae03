import type { SocContext } from '@seedsim/core';
import type { Dmamux } from './dmamux.js';
import { RegisterBlock } from './register-block.js';

/** Register offsets of DAC1 (RM0433 DAC chapter, "DAC registers"). */
export const DAC = {
  CR: 0x00,
  SWTRGR: 0x04,
  DHR12R1: 0x08,
  DHR12L1: 0x0c,
  DHR8R1: 0x10,
  DHR12R2: 0x14,
  DHR12L2: 0x18,
  DHR8R2: 0x1c,
  DHR12RD: 0x20,
  DHR12LD: 0x24,
  DHR8RD: 0x28,
  DOR1: 0x2c,
  DOR2: 0x30,
  SR: 0x34,
  CCR: 0x38,
  MCR: 0x3c,
  SHSR1: 0x40,
  SHSR2: 0x44,
  SHHR: 0x48,
  SHRR: 0x4c,
} as const;

export const DAC_BASE = 0x4000_7400;
/** DAC underrun shares NVIC line 54 with TIM6 (RM0433 interrupt vector table: TIM6_DAC). */
export const DAC_IRQ = 54;
/** DMAMUX1 request IDs of channels 1 and 2 (RM0433 DMAMUX1 request table: dac_ch1_dma 67, dac_ch2_dma 68). */
export const DAC_DMA_REQUESTS = [67, 68] as const;

// Per-channel DAC_CR fields, channel 2 at +16 (RM0433 DAC_CR): EN 0, TEN 1, TSEL 5:2, WAVE 7:6, DMAEN 12, DMAUDRIE 13, CEN 14.
const CR_EN = 1 << 0;
const CR_TEN = 1 << 1;
const CR_TSEL_SHIFT = 2;
const CR_WAVE_SHIFT = 6;
const CR_DMAEN = 1 << 12;
const CR_DMAUDRIE = 1 << 13;
// DAC_SR: DMAUDR1 13, CAL_FLAG1 14, BWST1 15, channel 2 at +16.
const SR_DMAUDR = 1 << 13;

/** DAC_CR.TSEL values of the trigger inputs modelled here (RM0433 "DAC trigger selection": 5 = TIM6_TRGO, 6 = TIM7_TRGO). */
export const DAC_TRIGGER = { TIM6_TRGO: 5, TIM7_TRGO: 6 } as const;

/**
 * DAC1 (RM0433 DAC chapter): two 12-bit channels. The data holding registers (12-bit right, 12-bit left,
 * 8-bit right, and the dual forms) load DHR; DOR takes DHR at once without a trigger (TEN = 0), at a
 * software trigger (SWTRGR), or at the selected hardware trigger (the board calls {@link trigger} from
 * TIM6/TIM7 TRGO). With DMAEN a hardware trigger also raises the channel's DMA request through DMAMUX1;
 * a trigger whose request no stream serves is a DMA underrun (DMAUDR, interrupt on line 54 with DMAUDRIE).
 * The output voltage is DOR / 4095 of VREF+. Not modelled (reported when used): noise/triangle waves,
 * calibration, sample-and-hold.
 */
export class Dac extends RegisterBlock {
  /** DHR per channel (12-bit right-aligned). */
  private readonly dhr = new Uint16Array(2);
  private readonly dor = new Uint16Array(2);
  private irqLevel = false;
  /** Conversions (DOR updates) per channel since power-on. */
  readonly conversions = [0, 0];
  private readonly conversionListeners: ((channel: 0 | 1, code: number) => void)[] = [];

  constructor(
    context: SocContext,
    private readonly dmamux: Dmamux | null,
  ) {
    super('DAC', DAC_BASE, 0x400, context, 'DAC');
    this.stored(DAC.CCR, DAC.MCR, DAC.SHSR1, DAC.SHSR2, DAC.SHHR, DAC.SHRR);
    // DOR follows DHR on writes and on trigger events; no register has a read side effect.
    this.eventStableRange(DAC.CR, DAC.SHRR);
  }

  protected override onReset(): void {
    this.dhr.fill(0);
    this.dor.fill(0);
    this.updateIrq();
  }

  /** The output of channel `channel` (0 or 1) as a fraction of VREF+. */
  output(channel: 0 | 1): number {
    return this.dor[channel] / 4095;
  }

  /** Called with (channel, DOR) at each conversion: DOR loaded from DHR, whether or not it changed. */
  onConversion(listener: (channel: 0 | 1, code: number) => void): void {
    this.conversionListeners.push(listener);
  }

  /** A hardware trigger pulse from trigger input `tsel` (DAC_TRIGGER) reaches both channels. */
  trigger(tsel: number): void {
    const cr = this.regs[DAC.CR >>> 2];
    for (let ch = 0; ch < 2; ch++) {
      const c = cr >>> (16 * ch);
      if ((c & (CR_EN | CR_TEN)) !== (CR_EN | CR_TEN) || ((c >>> CR_TSEL_SHIFT) & 0xf) !== tsel) continue;
      this.convert(ch);
      if (c & CR_DMAEN && this.dmamux !== null) {
        // The request asks for the next DHR; none served means the DMA fell behind the trigger.
        if (!this.dmamux.request(DAC_DMA_REQUESTS[ch])) {
          this.regs[DAC.SR >>> 2] |= SR_DMAUDR << (16 * ch);
          this.updateIrq();
        }
      }
    }
  }

  private convert(ch: number): void {
    this.dor[ch] = this.dhr[ch];
    this.conversions[ch]++;
    for (const listener of this.conversionListeners) listener(ch as 0 | 1, this.dor[ch]);
  }

  /** Without a trigger (TEN = 0), DOR follows DHR (RM0433: one APB clock later; immediate here). */
  private loadDhr(ch: number, value: number): void {
    this.dhr[ch] = value & 0xfff;
    const c = this.regs[DAC.CR >>> 2] >>> (16 * ch);
    if ((c & CR_EN) !== 0 && (c & CR_TEN) === 0) this.convert(ch);
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case DAC.CR:
      case DAC.SR:
        return this.regs[offset >>> 2];
      case DAC.SWTRGR:
        return 0;
      case DAC.DHR12R1:
        return this.dhr[0];
      case DAC.DHR12L1:
        return this.dhr[0] << 4;
      case DAC.DHR8R1:
        return this.dhr[0] >>> 4;
      case DAC.DHR12R2:
        return this.dhr[1];
      case DAC.DHR12L2:
        return this.dhr[1] << 4;
      case DAC.DHR8R2:
        return this.dhr[1] >>> 4;
      case DAC.DHR12RD:
        return this.dhr[0] | (this.dhr[1] << 16);
      case DAC.DHR12LD:
        return ((this.dhr[0] << 4) | (this.dhr[1] << 20)) >>> 0;
      case DAC.DHR8RD:
        return (this.dhr[0] >>> 4) | ((this.dhr[1] >>> 4) << 8);
      case DAC.DOR1:
        return this.dor[0];
      case DAC.DOR2:
        return this.dor[1];
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case DAC.CR:
        this.writeCr(value);
        return true;
      case DAC.SWTRGR:
        // SWTRIGx: DOR ← DHR for a channel enabled with TSEL = 0 (software trigger); the bit clears itself.
        for (let ch = 0; ch < 2; ch++) {
          const c = this.regs[DAC.CR >>> 2] >>> (16 * ch);
          if (value & (1 << ch) && c & CR_EN && c & CR_TEN && ((c >>> CR_TSEL_SHIFT) & 0xf) === 0) this.convert(ch);
        }
        return true;
      case DAC.DHR12R1:
        this.loadDhr(0, value);
        return true;
      case DAC.DHR12L1:
        this.loadDhr(0, value >>> 4);
        return true;
      case DAC.DHR8R1:
        this.loadDhr(0, (value & 0xff) << 4);
        return true;
      case DAC.DHR12R2:
        this.loadDhr(1, value);
        return true;
      case DAC.DHR12L2:
        this.loadDhr(1, value >>> 4);
        return true;
      case DAC.DHR8R2:
        this.loadDhr(1, (value & 0xff) << 4);
        return true;
      case DAC.DHR12RD:
        this.loadDhr(0, value);
        this.loadDhr(1, value >>> 16);
        return true;
      case DAC.DHR12LD:
        this.loadDhr(0, value >>> 4);
        this.loadDhr(1, value >>> 20);
        return true;
      case DAC.DHR8RD:
        this.loadDhr(0, (value & 0xff) << 4);
        this.loadDhr(1, ((value >>> 8) & 0xff) << 4);
        return true;
      case DAC.DOR1:
      case DAC.DOR2:
        return true; // read-only
      case DAC.SR:
        // DMAUDRx is rc_w1; the calibration and busy flags are read-only.
        this.regs[DAC.SR >>> 2] &= ~(value & ((SR_DMAUDR | (SR_DMAUDR << 16)) >>> 0));
        this.updateIrq();
        return true;
      default:
        return false;
    }
  }

  private writeCr(value: number): void {
    const old = this.regs[DAC.CR >>> 2];
    this.regs[DAC.CR >>> 2] = value & 0x7fff_7fff;
    for (let ch = 0; ch < 2; ch++) {
      const c = value >>> (16 * ch);
      if ((c >>> CR_WAVE_SHIFT) & 3 || c & (1 << 14)) this.context.unmodelled(this.name, DAC.CR, true, value); // WAVE, CEN
      // Enabling a channel without a trigger puts DHR on the output.
      if (c & CR_EN && !((old >>> (16 * ch)) & CR_EN) && !(c & CR_TEN)) this.convert(ch);
    }
    this.updateIrq();
  }

  private updateIrq(): void {
    const cr = this.regs[DAC.CR >>> 2];
    const sr = this.regs[DAC.SR >>> 2];
    const level = ((sr & SR_DMAUDR) !== 0 && (cr & CR_DMAUDRIE) !== 0) || ((sr & (SR_DMAUDR << 16)) !== 0 && (cr & (CR_DMAUDRIE << 16)) !== 0);
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.context.setIrq(DAC_IRQ, level);
  }
}
