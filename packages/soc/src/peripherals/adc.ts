import { Rule } from '../rules.js';
import type { SocContext } from '@seedsim/core';
import type { AnalogInputs } from './analog-inputs.js';
import type { ClockTree } from './clock-tree.js';
import type { Dmamux } from './dmamux.js';
import { RegisterBlock } from './register-block.js';

/** Register offsets of ADC1/ADC2 (RM0433 ADC chapter, "ADC registers (for each ADC)"). */
export const ADC = {
  ISR: 0x00,
  IER: 0x04,
  CR: 0x08,
  CFGR: 0x0c,
  CFGR2: 0x10,
  SMPR1: 0x14,
  SMPR2: 0x18,
  PCSEL: 0x1c,
  LTR1: 0x20,
  HTR1: 0x24,
  SQR1: 0x30,
  SQR2: 0x34,
  SQR3: 0x38,
  SQR4: 0x3c,
  DR: 0x40,
  JSQR: 0x4c,
  OFR1: 0x60,
  JDR1: 0x80,
  AWD2CR: 0xa0,
  AWD3CR: 0xa4,
  LTR2: 0xb0,
  HTR2: 0xb4,
  LTR3: 0xb8,
  HTR3: 0xbc,
  DIFSEL: 0xc0,
  CALFACT: 0xc4,
  CALFACT2: 0xc8,
} as const;

/** Common registers of the ADC1/ADC2 pair at 0x4002_2300 (RM0433 ADC chapter, "ADC common registers"). */
export const ADC_COMMON = { CSR: 0x00, CCR: 0x08, CDR: 0x0c, CDR2: 0x10 } as const;

// ADC_ISR / ADC_IER bits.
const ISR_ADRDY = 1 << 0;
const ISR_EOSMP = 1 << 1;
const ISR_EOC = 1 << 2;
const ISR_EOS = 1 << 3;
const ISR_OVR = 1 << 4;
const ISR_ALL = 0x7ff;
// ADC_CR bits. ADCAL, ADEN, ADDIS, ADSTART, ADSTP, JADSTART, JADSTP are set by software and cleared
// by hardware: writing 0 to them has no effect (RM0433 ADC_CR, access type "rs").
const CR_ADEN = 1 << 0;
const CR_ADDIS = 1 << 1;
const CR_ADSTART = 1 << 2;
const CR_JADSTART = 1 << 3;
const CR_ADSTP = 1 << 4;
const CR_JADSTP = 1 << 5;
/** ADC_CR.ADCALLIN (RM0433): calibrate linearity too, not only the offset. */
const CR_ADCALLIN = 1 << 16;
const CR_ADVREGEN = 1 << 28;
const CR_DEEPPWD = 1 << 29;
const CR_ADCAL = 1 << 31;
const CR_SET_ONLY = CR_ADEN | CR_ADDIS | CR_ADSTART | CR_JADSTART | CR_ADSTP | CR_JADSTP | CR_ADCAL;
/** Plain read/write bits: BOOST[9:8], ADCALLIN, LINCALRDYW1–6 [27:22], ADVREGEN, DEEPPWD, ADCALDIF. */
const CR_PLAIN = 0x7fc1_0300;
// ADC_CFGR fields.
const CFGR_DMNGT_MASK = 3;
const CFGR_RES_SHIFT = 2;
const CFGR_EXTEN_SHIFT = 10;
const CFGR_OVRMOD = 1 << 12;
const CFGR_CONT = 1 << 13;
const CFGR_DISCEN = 1 << 16;
// ADC_CFGR2 fields.
const CFGR2_ROVSE = 1 << 0;
const CFGR2_OVSS_SHIFT = 5;
const CFGR2_OSR_SHIFT = 16;
const CFGR2_LSHIFT_SHIFT = 28;
// ADC_OFRy fields (revision V layout).
const OFR_SSATE = 1 << 31;
const OFR_CH_SHIFT = 26;

/** CFGR.RES code → bits (RM0433 ADC_CFGR.RES, revision V encoding; 100 is 8 bits on revision Y). */
const RESOLUTION_BITS = [16, 14, 12, 10, 8, 14, 12, 8] as const;
/** SMPx code → sampling time in ADC clock cycles (RM0433 ADC_SMPR1/2). */
const SAMPLING_CYCLES = [1.5, 2.5, 8.5, 16.5, 32.5, 64.5, 387.5, 810.5] as const;
/** CCR.PRESC code → asynchronous clock divider (RM0433 ADC_CCR.PRESC; codes 12–15 are reserved). */
const PRESCALERS = [1, 2, 4, 6, 8, 10, 12, 16, 32, 64, 128, 256, 256, 256, 256, 256] as const;

/**
 * Calibration length in ADC clock cycles, offset and linearity (ADC_CR.ADCALLIN = 1). [I] RM0433 gives no
 * figure; ST's HAL sizes its calibration timeout (ADC_CALIBRATION_TIMEOUT = 633 600 000 CPU loop
 * iterations) as 165 000 ADC cycles × (480 MHz / 125 kHz, the slowest ADC clock), so 165 000 is taken.
 */
export const ADC_CALIBRATION_CYCLES = 165_000;
/**
 * Offset-only calibration (ADCALLIN = 0), in ADC clock cycles. [I] 1 280: the offset calibration time of
 * the STM32H7 datasheets' ADC characteristics table as we recall it (the table, with about 165 000 for
 * offset and linearity, was not found in a copy we could check). Far shorter than the full calibration
 * either way: firmware that calibrates before each reading (STM32duino's analogRead) depends on it.
 */
export const ADC_OFFSET_CALIBRATION_CYCLES = 1_280;
/**
 * ADRDY rises this many ADC clock cycles after ADEN ([GAP]: RM0433 only says "after the ADC
 * stabilization time tSTAB"; the datasheet value was not found; a short figure is taken).
 */
export const ADC_STABILISATION_CYCLES = 16;

/** The analog pin of each ADC1/ADC2 input channel INP0–INP19 (STM32H750 datasheet pin table; libDaisy's channel table agrees for 3–19). */
const ADC12_SHARED_PINS = ['PA0_C', 'PA1_C', '', 'PA6', 'PC4', 'PB1', '', 'PA7', 'PC5', 'PB0', 'PC0', 'PC1', 'PC2', 'PC3', 'PA2', 'PA3'];
export const ADC_CHANNEL_PINS = {
  ADC1: [...ADC12_SHARED_PINS.slice(0, 2), 'PF11', ...ADC12_SHARED_PINS.slice(3, 6), 'PF12', ...ADC12_SHARED_PINS.slice(7), 'PA0', 'PA1', 'PA4', 'PA5'],
  // ADC2 INP16/INP17 are the internal DAC1 outputs, which leave the chip on PA4/PA5.
  ADC2: [...ADC12_SHARED_PINS.slice(0, 2), 'PF13', ...ADC12_SHARED_PINS.slice(3, 6), 'PF14', ...ADC12_SHARED_PINS.slice(7), 'PA4', 'PA5', 'PA4', 'PA5'],
  // ADC3: INP0/INP1 on the dedicated pads PC2_C/PC3_C (the Patch SM's CV inputs as STM32duino maps them),
  // INP10/INP11 on PC0/PC1 (datasheet pin table). Its PF/PH inputs are not on the Daisy's pins: they read 0.
  ADC3: ['PC2_C', 'PC3_C', '', '', '', '', '', '', '', '', 'PC0', 'PC1'],
} as const;

export const ADC_INSTANCES = {
  ADC1: { base: 0x4002_2000, dmaRequest: 9 },
  ADC2: { base: 0x4002_2100, dmaRequest: 10 },
  // In D3 (RM0433 memory map); DMAMUX1 request 115 is adc3_dma (RM0433 DMAMUX1 request table).
  ADC3: { base: 0x5802_6000, dmaRequest: 115 },
} as const;
export type AdcName = keyof typeof ADC_INSTANCES;
export const ADC12_COMMON_BASE = 0x4002_2300;
/** ADC1 and ADC2 share one NVIC line (RM0433 interrupt vector table: ADC1_2 = 18). */
export const ADC12_IRQ = 18;
/** ADC3's common registers (CCR: its own clock mode and prescaler) and NVIC line (RM0433: ADC3 = 127). */
export const ADC3_COMMON_BASE = 0x5802_6300;
export const ADC3_IRQ = 127;

/** The ADC kernel clock and the CPU clock, from the RCC clock tree. */
export interface AdcClocks {
  /** adc_ker_ck (RCC D3CCIPR.ADCSEL). */
  kernelHz(): number;
  /** AHB clock (synchronous clock modes). */
  hclkHz(): number;
  cpuHz(): number;
}

export function adcClocksFrom(tree: ClockTree): AdcClocks {
  return { kernelHz: () => tree.clocks.adc, hclkHz: () => tree.clocks.hclk, cpuHz: () => tree.clocks.cpu };
}

export interface AdcOptions {
  clocks: AdcClocks;
  dmamux: Dmamux | null;
  inputs: AnalogInputs;
  /**
   * Silicon revision V (the Daisy Seed's STM32H750, DBGMCU REV_ID 0x2003) divides the ADC clock by 2
   * after the prescaler (RM0433 ADC chapter, "ADC clocks"; ST's HAL applies the same /2 on revision V
   * when it picks the BOOST setting). Default true.
   */
  revisionV?: boolean;
}

/**
 * One 16-bit ADC of the ADC1/ADC2 pair (RM0433 ADC chapter). Modelled: deep power-down and regulator
 * bits, calibration (ADCAL clears after {@link ADC_CALIBRATION_CYCLES}), enable/disable with ADRDY,
 * software-started regular sequences (SQR1–4, L + 1 ranks) in single or continuous mode, per-channel
 * sampling time and resolution, the hardware oversampler (ratio, right shift) and the data left shift,
 * offsets, EOC/EOS/EOSMP/OVR flags with their interrupts, and DMA requests (DMNGT one-shot or
 * circular) through DMAMUX1. Each conversion ends on one clock event at
 *   (sampling cycles + resolution/2 + 0.5) × oversampling ratio   ADC clock cycles
 * (RM0433 "ADC conversion time": t_CONV = t_SMPL + t_SAR, t_SAR = 8.5 cycles at 16 bits … 4.5 at 8).
 * The converted level comes from the board's {@link AnalogInputs} for the channel's pin.
 * Not modelled (reported once when used): injected conversions, hardware triggers, discontinuous
 * mode, analog watchdogs and dual mode.
 */
export class Adc extends RegisterBlock {
  private readonly pins: readonly string[];
  private readonly dmaRequest: number;
  private readonly revisionV: boolean;
  private readonly clocks: AdcClocks;
  private readonly dmamux: Dmamux | null;
  private readonly inputs: AnalogInputs;
  /** Rank of the conversion in progress (0-based) while ADSTART is set. */
  private rank = 0;
  private conversionEvent: object | null = null;
  /** Exact (fractional) CPU cycle at which the conversion in progress ends: the next one starts there. */
  private conversionEndsAt = 0;
  private readyEvent: object | null = null;
  private calibrationEvent: object | null = null;
  private readonly conversionDone = (): void => this.endOfConversion();

  constructor(
    context: SocContext,
    name: AdcName,
    private readonly common: AdcCommon,
    options: AdcOptions,
  ) {
    super(name, ADC_INSTANCES[name].base, 0x100, context, name);
    this.pins = ADC_CHANNEL_PINS[name];
    this.dmaRequest = ADC_INSTANCES[name].dmaRequest;
    this.revisionV = options.revisionV ?? true;
    this.clocks = options.clocks;
    this.dmamux = options.dmamux;
    this.inputs = options.inputs;
    // RM0433 ADC_CR reset value 0x2000_0000: the ADC starts in deep power-down (the SVD says 0).
    this.regs[ADC.CR >>> 2] = CR_DEEPPWD;
    this.stored(ADC.IER, ADC.CFGR, ADC.CFGR2, ADC.SMPR1, ADC.SMPR2, ADC.PCSEL, ADC.SQR1, ADC.SQR2, ADC.SQR3, ADC.SQR4);
    this.stored(ADC.LTR1, ADC.HTR1, ADC.LTR2, ADC.HTR2, ADC.LTR3, ADC.HTR3, ADC.AWD2CR, ADC.AWD3CR, ADC.DIFSEL, ADC.CALFACT, ADC.CALFACT2);
    this.stored(ADC.OFR1, ADC.OFR1 + 4, ADC.OFR1 + 8, ADC.OFR1 + 12, ADC.JSQR);
    this.storedRange(ADC.JDR1, ADC.JDR1 + 12);
    // ISR (ADRDY, EOC, EOS …) and CR (ADCAL, ADSTART) change at the calibration, ready and conversion
    // events or by writes. Not DR: reading it clears EOC.
    this.eventStable(ADC.ISR, ADC.CR, ADC.IER, ADC.CFGR, ADC.CFGR2, ADC.SMPR1, ADC.SMPR2, ADC.PCSEL, ADC.SQR1, ADC.SQR2, ADC.SQR3, ADC.SQR4);
    this.eventStable(ADC.LTR1, ADC.HTR1, ADC.LTR2, ADC.HTR2, ADC.LTR3, ADC.HTR3, ADC.AWD2CR, ADC.AWD3CR, ADC.DIFSEL, ADC.CALFACT, ADC.CALFACT2);
    this.eventStable(ADC.OFR1, ADC.OFR1 + 4, ADC.OFR1 + 8, ADC.OFR1 + 12, ADC.JSQR);
    this.eventStableRange(ADC.JDR1, ADC.JDR1 + 12);
    common.attach(this);
  }

  protected override onReset(): void {
    this.cancelEvents();
    this.regs[ADC.CR >>> 2] = CR_DEEPPWD;
    this.rank = 0;
    this.common.updateIrq();
  }

  /** ISR flags (ADRDY … JQOVF), as ADC_CSR of the common block mirrors them. */
  get status(): number {
    return this.regs[ADC.ISR >>> 2];
  }

  /** DR without the read side effect (the common CDR and debuggers). */
  peekData(): number {
    return this.regs[ADC.DR >>> 2];
  }

  /** An enabled flag is set: this ADC asserts the shared ADC1_2 line. */
  get interruptPending(): boolean {
    return (this.regs[ADC.ISR >>> 2] & this.regs[ADC.IER >>> 2] & ISR_ALL) !== 0;
  }

  /** ADC clock in Hz: kernel / PRESC (asynchronous) or HCLK / 1, 2, 4 (synchronous), then /2 on revision V. */
  adcClockHz(): number {
    const ccr = this.common.ccr;
    const ckmode = (ccr >>> 16) & 3;
    const base = ckmode === 0 ? this.clocks.kernelHz() / PRESCALERS[(ccr >>> 18) & 0xf] : this.clocks.hclkHz() / [1, 1, 2, 4][ckmode];
    return this.revisionV ? base / 2 : base;
  }

  /** Resolution in bits from CFGR.RES. */
  get resolutionBits(): number {
    return RESOLUTION_BITS[(this.regs[ADC.CFGR >>> 2] >>> CFGR_RES_SHIFT) & 7];
  }

  /** Channel converted at regular rank `rank` (0-based): SQ1 … SQ16 (RM0433 ADC_SQR1–4). */
  channelAtRank(rank: number): number {
    const n = rank + 1; // SQ1 sits at SQR1 bits 10:6, after L
    const reg = (n / 5) | 0;
    const slot = n % 5;
    return (this.regs[(ADC.SQR1 >>> 2) + reg] >>> (slot * 6)) & 0x1f;
  }

  /** Ranks in the regular sequence: SQR1.L + 1. */
  get sequenceLength(): number {
    return (this.regs[ADC.SQR1 >>> 2] & 0xf) + 1;
  }

  /** ADC clock cycles for one result at `channel`: sampling + SAR, times the oversampling ratio. */
  conversionCycles(channel: number): number {
    const smpr = this.regs[(channel < 10 ? ADC.SMPR1 : ADC.SMPR2) >>> 2];
    const sampling = SAMPLING_CYCLES[(smpr >>> (3 * (channel % 10))) & 7];
    const sar = this.resolutionBits / 2 + 0.5;
    return (sampling + sar) * this.oversamplingRatio;
  }

  private get oversamplingRatio(): number {
    const cfgr2 = this.regs[ADC.CFGR2 >>> 2];
    return (cfgr2 & CFGR2_ROVSE) !== 0 ? ((cfgr2 >>> CFGR2_OSR_SHIFT) & 0x3ff) + 1 : 1;
  }

  /** The data register value for `channel`: the pin's level quantised, oversampled, offset, shifted. */
  convert(channel: number): number {
    const bits = this.resolutionBits;
    const full = 2 ** bits;
    const pin = channel < this.pins.length ? this.pins[channel] : '';
    // Ideal transfer function: code = floor(V / VREF+ · 2^N), saturating at 2^N − 1.
    const code = Math.min(full - 1, Math.floor(this.inputs.level(pin) * full));
    const cfgr2 = this.regs[ADC.CFGR2 >>> 2];
    let value = code;
    if ((cfgr2 & CFGR2_ROVSE) !== 0) {
      // The oversampler accumulates `ratio` identical conversions and shifts right by OVSS (RM0433 "Oversampler").
      value = Math.floor((code * this.oversamplingRatio) / 2 ** ((cfgr2 >>> CFGR2_OVSS_SHIFT) & 0xf));
    }
    for (let i = 0; i < 4; i++) {
      const ofr = this.regs[(ADC.OFR1 >>> 2) + i];
      const offset = ofr & 0x3ff_ffff;
      if (offset === 0 || ((ofr >>> OFR_CH_SHIFT) & 0x1f) !== channel) continue;
      value -= offset;
      // SSATE: signed saturation to the resolution (RM0433 ADC_OFRy); otherwise a signed result.
      if (ofr & OFR_SSATE) value = Math.max(-(full / 2), Math.min(full / 2 - 1, value));
    }
    value = value * 2 ** ((cfgr2 >>> CFGR2_LSHIFT_SHIFT) & 0xf);
    return value >>> 0;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset === ADC.DR) {
      // Reading DR clears EOC (RM0433 ADC_ISR.EOC: "cleared by software writing 1 or by reading ADC_DR").
      if (this.regs[ADC.ISR >>> 2] & ISR_EOC) {
        this.regs[ADC.ISR >>> 2] &= ~ISR_EOC;
        this.common.updateIrq();
      }
      return this.regs[ADC.DR >>> 2];
    }
    if (offset === ADC.ISR || offset === ADC.CR) return this.regs[offset >>> 2];
    return undefined;
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case ADC.ISR:
        // rc_w1: writing 1 clears the flag.
        this.regs[ADC.ISR >>> 2] &= ~(value & ISR_ALL);
        this.common.updateIrq();
        return true;
      case ADC.IER:
        this.regs[ADC.IER >>> 2] = value & ISR_ALL;
        this.common.updateIrq();
        return true;
      case ADC.CR:
        this.writeCr(value);
        return true;
      case ADC.DR:
        return true; // read-only
      case ADC.CFGR:
        this.regs[ADC.CFGR >>> 2] = value;
        if (value & CFGR_DISCEN) this.context.unmodelled(this.name, offset, true, value);
        return true;
      default:
        return false;
    }
  }

  private writeCr(value: number): void {
    const i = ADC.CR >>> 2;
    const old = this.regs[i];
    const set = value & CR_SET_ONLY & ~old;
    let cr = (old & CR_SET_ONLY) | set | (value & CR_PLAIN);
    this.regs[i] = cr >>> 0;
    if (!(cr & CR_ADVREGEN) || cr & CR_DEEPPWD) {
      // Regulator off or deep power-down: the ADC cannot run (RM0433 "ADC deep-power-down mode").
      if (old & CR_ADEN) this.disable();
    }
    if (set & CR_ADCAL) this.startCalibration();
    if (set & CR_ADEN) this.enable();
    if (set & CR_ADDIS && cr & CR_ADEN) this.disable();
    if (set & CR_ADSTP) this.stopConversions();
    if (set & CR_ADSTART) this.startConversions();
    if (set & (CR_JADSTART | CR_JADSTP)) {
      // Injected conversions are not modelled: the bits clear at once and nothing is converted.
      this.context.unmodelled(this.name, ADC.CR, true, value);
      cr = this.regs[i] & ~(CR_JADSTART | CR_JADSTP);
      this.regs[i] = cr >>> 0;
    }
  }

  private get cpuCyclesPerAdcCycle(): number {
    const adcHz = this.adcClockHz();
    return adcHz > 0 ? this.clocks.cpuHz() / adcHz : Infinity;
  }

  private after(adcCycles: number, callback: () => void): object | null {
    const cycles = adcCycles * this.cpuCyclesPerAdcCycle;
    if (!Number.isFinite(cycles)) {
      // No ADC clock: nothing ever completes.
      this.context.rule(Rule.PeripheralNoClock, this.base + ADC.CR, true, `${this.name} started with no clock: ADC12_CCR.CKMODE = 0 selects the kernel clock (D3CCIPR.ADCSEL: PLL2P, PLL3R or per_ck) and it is not running`);
      return null;
    }
    return this.context.clock.schedule(this.context.clock.cycles + Math.max(1, Math.ceil(cycles)), callback);
  }

  /** ADCAL with ADEN = 0 and the regulator on: ADCAL clears when calibration completes. */
  private startCalibration(): void {
    const cr = this.regs[ADC.CR >>> 2];
    if (cr & CR_ADEN || !(cr & CR_ADVREGEN) || cr & CR_DEEPPWD) {
      // RM0433: calibration can only start with ADEN = 0 and the regulator enabled; otherwise the bit is ignored.
      this.regs[ADC.CR >>> 2] &= ~CR_ADCAL;
      return;
    }
    const cycles = cr & CR_ADCALLIN ? ADC_CALIBRATION_CYCLES : ADC_OFFSET_CALIBRATION_CYCLES;
    this.context.clock.cancel(this.calibrationEvent);
    this.calibrationEvent = this.after(cycles, () => {
      this.calibrationEvent = null;
      this.regs[ADC.CR >>> 2] &= ~CR_ADCAL;
    });
  }

  private enable(): void {
    const cr = this.regs[ADC.CR >>> 2];
    if (!(cr & CR_ADVREGEN) || cr & CR_DEEPPWD || cr & CR_ADCAL) {
      this.regs[ADC.CR >>> 2] &= ~CR_ADEN;
      return;
    }
    this.context.clock.cancel(this.readyEvent);
    this.readyEvent = this.after(ADC_STABILISATION_CYCLES, () => {
      this.readyEvent = null;
      this.regs[ADC.ISR >>> 2] |= ISR_ADRDY;
      this.common.updateIrq();
    });
  }

  /** ADDIS: conversions stop and ADEN/ADDIS clear (the disable completes within a few ADC cycles; modelled as immediate). */
  private disable(): void {
    this.stopConversions();
    this.context.clock.cancel(this.readyEvent);
    this.readyEvent = null;
    this.regs[ADC.CR >>> 2] &= ~(CR_ADEN | CR_ADDIS);
  }

  private stopConversions(): void {
    this.context.clock.cancel(this.conversionEvent);
    this.conversionEvent = null;
    this.regs[ADC.CR >>> 2] &= ~(CR_ADSTART | CR_ADSTP);
  }

  /** ADSTART: with a software trigger the regular sequence starts at rank 1 now. */
  private startConversions(): void {
    const cr = this.regs[ADC.CR >>> 2];
    if (!(cr & CR_ADEN) || !(this.regs[ADC.ISR >>> 2] & ISR_ADRDY) || cr & CR_ADDIS) {
      // RM0433: ADSTART may only be set with the ADC enabled and ready; otherwise nothing starts.
      this.regs[ADC.CR >>> 2] &= ~CR_ADSTART;
      return;
    }
    const exten = (this.regs[ADC.CFGR >>> 2] >>> CFGR_EXTEN_SHIFT) & 3;
    if (exten !== 0) {
      // Hardware triggers (timers, EXTI) are not modelled: ADSTART stays set and waits for ever.
      this.context.unmodelled(this.name, ADC.CFGR, true, this.regs[ADC.CFGR >>> 2]);
      return;
    }
    this.rank = 0;
    this.conversionEndsAt = this.context.clock.cycles;
    this.scheduleConversion();
  }

  /** Schedules the end of the conversion at the current rank, back to back with the previous one. */
  private scheduleConversion(): void {
    this.context.clock.cancel(this.conversionEvent);
    this.conversionEvent = null;
    const cycles = this.conversionCycles(this.channelAtRank(this.rank)) * this.cpuCyclesPerAdcCycle;
    if (!Number.isFinite(cycles)) return; // no ADC clock: nothing ever completes
    this.conversionEndsAt += cycles;
    this.conversionEvent = this.context.clock.schedule(Math.ceil(this.conversionEndsAt - 1e-9), this.conversionDone);
  }

  private endOfConversion(): void {
    this.conversionEvent = null;
    const isr = ADC.ISR >>> 2;
    const channel = this.channelAtRank(this.rank);
    const cfgr = this.regs[ADC.CFGR >>> 2];
    if (this.regs[isr] & ISR_EOC) {
      // Overrun: the previous result was never read (RM0433 "Overrun"); OVRMOD = 0 keeps the old data.
      this.regs[isr] |= ISR_OVR;
      if (cfgr & CFGR_OVRMOD) this.regs[ADC.DR >>> 2] = this.convert(channel);
    } else {
      this.regs[ADC.DR >>> 2] = this.convert(channel);
    }
    this.regs[isr] |= ISR_EOSMP | ISR_EOC;
    const last = this.rank + 1 >= this.sequenceLength;
    if (last) this.regs[isr] |= ISR_EOS;
    // DMNGT = 01 (one-shot) or 11 (circular): a DMA request per result; the stream reads DR, which clears EOC.
    if ((cfgr & CFGR_DMNGT_MASK) & 1 && this.dmamux !== null) this.dmamux.request(this.dmaRequest);
    this.common.updateIrq();
    if (!last) {
      this.rank++;
      this.scheduleConversion();
    } else if (cfgr & CFGR_CONT) {
      this.rank = 0;
      this.scheduleConversion();
    } else {
      // Single mode: ADSTART clears at the end of the sequence (RM0433 ADC_CR.ADSTART).
      this.regs[ADC.CR >>> 2] &= ~CR_ADSTART;
    }
  }

  private cancelEvents(): void {
    for (const e of [this.conversionEvent, this.readyEvent, this.calibrationEvent]) this.context.clock.cancel(e);
    this.conversionEvent = this.readyEvent = this.calibrationEvent = null;
  }
}

/**
 * The ADC1/ADC2 common block (RM0433 "ADC common registers"): CSR mirrors both ISRs (ADC1 in bits
 * 10:0, ADC2 in 26:16), CCR holds the clock mode and prescaler shared by the pair, CDR packs both data
 * registers. It also drives the shared ADC1_2 interrupt line.
 */
export class AdcCommon extends RegisterBlock {
  private readonly adcs: Adc[] = [];
  private irqLevel = false;

  constructor(
    context: SocContext,
    name: 'ADC12_Common' | 'ADC3_Common',
    base: number,
    private readonly irq: number,
  ) {
    super(name, base, 0x100, context, name);
    this.stored(ADC_COMMON.CCR);
    // CSR mirrors the ISRs; CDR shows both DRs without clearing EOC.
    this.eventStable(ADC_COMMON.CSR, ADC_COMMON.CCR, ADC_COMMON.CDR, ADC_COMMON.CDR2);
  }

  attach(adc: Adc): void {
    this.adcs.push(adc);
  }

  get ccr(): number {
    return this.regs[ADC_COMMON.CCR >>> 2];
  }

  updateIrq(): void {
    let level = false;
    for (const a of this.adcs) level ||= a.interruptPending;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.context.setIrq(this.irq, level);
  }

  protected override readRegister(offset: number): number | undefined {
    const [adc1, adc2] = this.adcs;
    switch (offset) {
      case ADC_COMMON.CSR:
        return ((adc1?.status ?? 0) | ((adc2?.status ?? 0) << 16)) >>> 0;
      case ADC_COMMON.CDR:
        // Regular data of master (ADC1) and slave (ADC2) as 16-bit halves, without clearing EOC.
        return (((adc1?.peekData() ?? 0) & 0xffff) | (((adc2?.peekData() ?? 0) & 0xffff) << 16)) >>> 0;
      case ADC_COMMON.CDR2:
        return 0;
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (offset === ADC_COMMON.CCR) {
      this.regs[offset >>> 2] = value & 0x01ff_cf1f;
      // DUAL ≠ 0 selects a dual mode, which is not modelled.
      if (value & 0x1f) this.context.unmodelled(this.name, offset, true, value);
      return true;
    }
    return offset === ADC_COMMON.CSR || offset === ADC_COMMON.CDR || offset === ADC_COMMON.CDR2; // read-only
  }
}

/** The common registers of ADC1 and ADC2 (RM0433 ADC common registers at 0x4002_2300), NVIC line 18. */
export class Adc12Common extends AdcCommon {
  constructor(context: SocContext) {
    super(context, 'ADC12_Common', ADC12_COMMON_BASE, ADC12_IRQ);
  }
}

/** ADC3's own common registers (0x5802_6300) and NVIC line 127. */
export class Adc3Common extends AdcCommon {
  constructor(context: SocContext) {
    super(context, 'ADC3_Common', ADC3_COMMON_BASE, ADC3_IRQ);
  }
}
