import type { SocContext } from '@seedsim/core';
import type { ClockTree } from './clock-tree.js';
import { RegisterBlock } from './register-block.js';

/** Register offsets (RM0433 TIM2–TIM5 chapter, general-purpose timers TIM2–TIM5). */
export const TIM = {
  CR1: 0x00,
  CR2: 0x04,
  SMCR: 0x08,
  DIER: 0x0c,
  SR: 0x10,
  EGR: 0x14,
  CCMR1: 0x18,
  CCMR2: 0x1c,
  CCER: 0x20,
  CNT: 0x24,
  PSC: 0x28,
  ARR: 0x2c,
  CCR1: 0x34,
  CCR2: 0x38,
  CCR3: 0x3c,
  CCR4: 0x40,
} as const;

/** Capture/compare channels of TIM2–TIM5 (RM0433 TIM2–TIM5 chapter). */
export const CC_CHANNELS = 4;
/** TIMx_CCMRx output-compare mode OCxM (3 bits + bit 16): 110 PWM mode 1, 111 PWM mode 2. */
const OCM_PWM1 = 6;
const OCM_PWM2 = 7;

const CR1_CEN = 1 << 0;
const CR1_UDIS = 1 << 1;
const CR1_URS = 1 << 2;
const CR1_OPM = 1 << 3;
const CR1_ARPE = 1 << 7;
const DIER_UIE = 1 << 0;
const SR_UIF = 1 << 0;
const EGR_UG = 1 << 0;

/** The general-purpose timers on APB1: base, NVIC line (SVD interrupt numbers) and counter width. */
export const GENERAL_PURPOSE_TIMERS = {
  TIM2: { base: 0x40000000, irq: 28, bits: 32 },
  TIM3: { base: 0x40000400, irq: 29, bits: 16 },
  TIM4: { base: 0x40000800, irq: 30, bits: 16 },
  TIM5: { base: 0x40000c00, irq: 50, bits: 32 },
} as const;
export type GeneralPurposeTimerName = keyof typeof GENERAL_PURPOSE_TIMERS;

/**
 * The basic timers TIM6/TIM7 (RM0433 "Basic timers"): the same up-counter, CR1/CR2/DIER/SR/EGR/CNT/PSC/ARR
 * at the same offsets, 16 bits, used as DAC triggers (TIM6 shares NVIC line 54 with the DAC underrun).
 */
export const BASIC_TIMERS = {
  TIM6: { base: 0x40001000, irq: 54, bits: 16 },
  TIM7: { base: 0x40001400, irq: 55, bits: 16 },
} as const;
export type BasicTimerName = keyof typeof BASIC_TIMERS;

const CR2_MMS_SHIFT = 4;
const MMS_RESET = 0;
const MMS_UPDATE = 2;

/** A timer channel driving PWM (RM0433 "PWM mode"): its period and the share of it the output is high. */
export interface PwmChannel {
  /** 1–4. */
  channel: number;
  frequencyHz: number;
  /** 0–1, after the PWM mode (1: high while CNT < CCR) and the polarity CCxP. */
  duty: number;
}

/**
 * A general-purpose timer (RM0433 TIM2–TIM5 chapter) counting up at the APB1 timer clock from the ClockTree.
 * Nothing ticks: CNT is computed from clock.cycles when read, and one clock event is scheduled at the
 * next overflow (update event: UIF, the NVIC line when DIER.UIE, preloaded PSC/ARR take effect).
 * Modelled: CEN, UDIS, URS, OPM, ARPE, UG, UIF/UIE, CNT/PSC/ARR; on TIM2–TIM5 the four channels in output
 * compare: CCMRx/CCER/CCRx (CCRx preloaded with OCxPE), the compare match flags CCxIF at CNT = CCRx and
 * their interrupts (DIER.CCxIE), and the PWM a channel drives (pwmChannels, for the board's outputs).
 * Down/center-aligned counting, input capture, slave modes and DMA requests are not (their registers are
 * stored and reported).
 */
export class GeneralPurposeTimer extends RegisterBlock {
  private readonly irq: number;
  private readonly mask: number;
  /** Active (shadow) prescaler and auto-reload; PSC/ARR registers hold the preload values. */
  private activePsc = 0;
  private activeArr: number;
  /** Counter value at `originCycle` (possibly fractional CPU cycle), and timer ticks per CPU cycle. */
  private originCount = 0;
  private originCycle = 0;
  private ticksPerCycle = 0;
  private overflowEvent: object | null = null;
  private readonly triggerListeners: (() => void)[] = [];
  /** TIM2–TIM5 have the four capture/compare channels; TIM6/TIM7 none (their offsets are reserved). */
  private readonly hasChannels: boolean;
  /** Active compare values (CCRx registers hold the preload values when OCxPE is set). */
  private readonly activeCcr = new Float64Array(CC_CHANNELS);
  /** Per channel, whether this counting period's compare match has been flagged, and its interrupt event. */
  private readonly matchedThisPeriod = new Uint8Array(CC_CHANNELS);
  private readonly compareEvents: (object | null)[] = [null, null, null, null];

  constructor(
    context: SocContext,
    name: GeneralPurposeTimerName | BasicTimerName,
    private readonly clocks: ClockTree,
  ) {
    const basic = name === 'TIM6' || name === 'TIM7';
    const spec = basic ? BASIC_TIMERS[name] : GENERAL_PURPOSE_TIMERS[name];
    super(name, spec.base, 0x400, context, 'TIM2');
    this.hasChannels = !basic;
    this.irq = spec.irq;
    this.mask = spec.bits === 32 ? 0xffffffff : 0xffff;
    // RM0433 TIM2–TIM5 chapter: ARR resets to all ones (0xFFFF_FFFF for TIM2/TIM5, 0xFFFF for TIM3/TIM4).
    this.activeArr = this.mask >>> 0;
    this.regs[TIM.ARR >>> 2] = this.activeArr;
    this.stored(TIM.CR2, TIM.SMCR, TIM.DIER);
    if (this.hasChannels) this.stored(TIM.CCMR1, TIM.CCMR2);
    // SR.UIF is set by the overflow event, CR1.CEN cleared by it (one-pulse). Not CNT: computed from
    // clock.cycles at read time.
    this.eventStable(TIM.CR1, TIM.CR2, TIM.SMCR, TIM.DIER, TIM.SR, TIM.EGR, TIM.PSC, TIM.ARR, TIM.CCMR1, TIM.CCMR2, TIM.CCER);
    this.eventStableRange(TIM.CCR1, TIM.CCR4);
    this.updateRate();
    clocks.onChange(() => {
      this.rebase();
      this.updateRate();
      this.reschedule();
    });
  }

  protected override onReset(): void {
    this.context.clock.cancel(this.overflowEvent);
    this.overflowEvent = null;
    for (let ch = 0; ch < CC_CHANNELS; ch++) this.context.clock.cancel(this.compareEvents[ch]);
    this.compareEvents.fill(null);
    this.activeCcr.fill(0);
    this.matchedThisPeriod.fill(0);
    this.activePsc = 0;
    this.activeArr = this.mask >>> 0;
    this.originCount = 0;
    this.originCycle = this.context.clock.cycles;
    this.context.setIrq(this.irq, false);
  }

  /**
   * Called at each TRGO pulse: the update event when CR2.MMS = 010, UG when MMS = 000 (RM0433 TIMx_CR2.MMS).
   * DAC and ADC trigger inputs listen here.
   */
  onTrigger(listener: () => void): void {
    this.triggerListeners.push(listener);
  }

  /** The counter value now (side-effect free). */
  get counter(): number {
    return this.countAt(this.context.clock.cycles);
  }

  private get running(): boolean {
    return (this.regs[TIM.CR1 >>> 2] & CR1_CEN) !== 0;
  }

  private updateRate(): void {
    const c = this.clocks.clocks;
    this.ticksPerCycle = c.cpu > 0 ? c.timerApb1 / c.cpu : 0;
  }

  /** Whole counter increments since the origin at CPU cycle `cycles`. */
  private stepsSince(cycles: number): number {
    if (!this.running) return 0;
    const ticks = (cycles - this.originCycle) * this.ticksPerCycle;
    // The 1e-9 guard absorbs float rounding of exact multiples (e.g. 0.5 ticks/cycle × 2 cycles).
    return Math.floor(ticks / (this.activePsc + 1) + 1e-9);
  }

  private countAt(cycles: number): number {
    const count = this.originCount + this.stepsSince(cycles);
    const period = this.activeArr + 1;
    // Normally the overflow event has already wrapped the counter; this covers a read in between.
    return count <= this.activeArr ? count : (count - period) % period;
  }

  /** Moves the origin to now, keeping the counter value. */
  private rebase(): void {
    const now = this.context.clock.cycles;
    this.originCount = this.countAt(now);
    this.originCycle = now;
  }

  private reschedule(): void {
    this.context.clock.cancel(this.overflowEvent);
    this.overflowEvent = null;
    this.scheduleCompares();
    if (!this.running || this.ticksPerCycle <= 0) return;
    let stepsToOverflow = this.activeArr + 1 - this.originCount;
    // CNT above a freshly lowered ARR runs on to the counter's full range and wraps (RM0433 TIM2–TIM5 chapter).
    if (stepsToOverflow <= 0) stepsToOverflow += this.mask + 1;
    const exactCycle = this.originCycle + (stepsToOverflow * (this.activePsc + 1)) / this.ticksPerCycle;
    this.overflowEvent = this.context.clock.schedule(Math.ceil(exactCycle - 1e-9), () => this.overflow(exactCycle));
  }

  /** Counter overflow at `exactCycle`: the update event (RM0433 TIM2–TIM5 chapter). */
  private overflow(exactCycle: number): void {
    this.overflowEvent = null;
    // A match this period that nothing looked at yet (no interrupt event, no SR read) is flagged now.
    this.flagCompares(this.activeArr);
    this.matchedThisPeriod.fill(0);
    this.originCount = 0;
    this.originCycle = exactCycle;
    this.updateEvent(false);
    if (this.regs[TIM.CR1 >>> 2] & CR1_OPM) this.regs[TIM.CR1 >>> 2] &= ~CR1_CEN; // one-pulse: CEN cleared
    this.reschedule();
  }

  /** Update event: reload shadows and set UIF unless disabled (UDIS) or suppressed (URS on UG). */
  private updateEvent(fromUg: boolean): void {
    const cr1 = this.regs[TIM.CR1 >>> 2];
    if (cr1 & CR1_UDIS) return;
    this.activePsc = this.regs[TIM.PSC >>> 2] & 0xffff;
    this.activeArr = (this.regs[TIM.ARR >>> 2] & this.mask) >>> 0;
    // Preloaded compare values (OCxPE) take effect at the update event (RM0433 TIMx_CCMRx.OCxPE).
    for (let ch = 0; ch < CC_CHANNELS && this.hasChannels; ch++) this.activeCcr[ch] = this.regs[(TIM.CCR1 >>> 2) + ch];
    if (this.triggerListeners.length > 0) {
      const mms = (this.regs[TIM.CR2 >>> 2] >>> CR2_MMS_SHIFT) & 7;
      if (mms === MMS_UPDATE || (fromUg && mms === MMS_RESET)) for (const l of this.triggerListeners) l();
    }
    if (fromUg && cr1 & CR1_URS) return;
    this.regs[TIM.SR >>> 2] |= SR_UIF;
    this.updateIrq();
  }

  private updateIrq(): void {
    // UIE and CC1IE–CC4IE (DIER bits 0–4) against UIF and CC1IF–CC4IF (SR bits 0–4).
    const pending = (this.regs[TIM.SR >>> 2] & this.regs[TIM.DIER >>> 2] & 0x1f) !== 0;
    this.context.setIrq(this.irq, pending);
  }

  /** CCMRx field of channel `ch` (0-based): CCxS (bits 1:0) and OCxM (bits 6:4 + 16) of its byte. */
  private channelMode(ch: number): { output: boolean; ocm: number; preload: boolean } {
    const ccmr = this.regs[(ch < 2 ? TIM.CCMR1 : TIM.CCMR2) >>> 2];
    const shift = (ch & 1) * 8;
    const ocm = ((ccmr >>> (shift + 4)) & 7) | (((ccmr >>> (shift + 16)) & 1) << 3);
    return { output: ((ccmr >>> shift) & 3) === 0, ocm, preload: ((ccmr >>> (shift + 3)) & 1) !== 0 };
  }

  /**
   * Sets CCxIF for each output channel whose compare value the counter has reached this period (CNT from
   * below CCRx up to `count`): in up-counting the match happens once a period, at CNT = CCRx (RM0433
   * "Output compare mode"). A channel already flagged this period is not flagged again.
   */
  private flagCompares(count: number): void {
    if (!this.hasChannels) return;
    let changed = false;
    for (let ch = 0; ch < CC_CHANNELS; ch++) {
      if (this.matchedThisPeriod[ch] || !this.channelMode(ch).output) continue;
      const ccr = this.activeCcr[ch];
      if (ccr > this.activeArr || ccr > count) continue;
      this.matchedThisPeriod[ch] = 1;
      this.regs[TIM.SR >>> 2] |= 2 << ch;
      changed = true;
    }
    if (changed) this.updateIrq();
  }

  /** Clock events at the compare matches still ahead this period, for the channels with CCxIE set. */
  private scheduleCompares(): void {
    if (!this.hasChannels) return;
    const dier = this.regs[TIM.DIER >>> 2];
    for (let ch = 0; ch < CC_CHANNELS; ch++) {
      this.context.clock.cancel(this.compareEvents[ch]);
      this.compareEvents[ch] = null;
      if (!(dier & (2 << ch)) || !this.running || this.ticksPerCycle <= 0 || this.matchedThisPeriod[ch]) continue;
      const ccr = this.activeCcr[ch];
      if (ccr > this.activeArr || ccr < this.originCount) continue;
      const exactCycle = this.originCycle + ((ccr - this.originCount) * (this.activePsc + 1)) / this.ticksPerCycle;
      this.compareEvents[ch] = this.context.clock.schedule(Math.ceil(exactCycle - 1e-9), () => {
        this.compareEvents[ch] = null;
        this.flagCompares(this.countAt(this.context.clock.cycles));
      });
    }
  }

  /** The channels driving PWM now: output mode PWM 1 or 2, enabled (CCxE), with the timer running. */
  pwmChannels(): PwmChannel[] {
    if (!this.hasChannels || !this.running) return [];
    const ccer = this.regs[TIM.CCER >>> 2];
    const period = this.activeArr + 1;
    const frequencyHz = (this.clocks.clocks.timerApb1 / (this.activePsc + 1)) / period;
    const out: PwmChannel[] = [];
    for (let ch = 0; ch < CC_CHANNELS; ch++) {
      const mode = this.channelMode(ch);
      if (!mode.output || !(ccer & (1 << (4 * ch))) || (mode.ocm !== OCM_PWM1 && mode.ocm !== OCM_PWM2)) continue;
      // PWM mode 1, up-counting: active while CNT < CCRx, so CCRx / (ARR + 1) of the period (all of it when
      // CCRx > ARR). Mode 2 is the complement; CCxP = 1 makes the active level low.
      let duty = Math.min(this.activeCcr[ch], period) / period;
      if (mode.ocm === OCM_PWM2) duty = 1 - duty;
      if (ccer & (2 << (4 * ch))) duty = 1 - duty;
      out.push({ channel: ch + 1, frequencyHz, duty });
    }
    return out;
  }

  /** Offsets TIM6/TIM7 leave reserved (RM0433 basic timers register map): read 0, writes ignored. */
  private reservedOnBasic(offset: number): boolean {
    return !this.hasChannels && ((offset >= TIM.CCMR1 && offset <= TIM.CCER) || (offset >= TIM.CCR1 && offset <= 0x4c));
  }

  protected override readRegister(offset: number): number | undefined {
    if (this.reservedOnBasic(offset)) return 0;
    switch (offset) {
      case TIM.CNT:
        return this.counter;
      case TIM.EGR:
        return 0; // write-only
      case TIM.SR:
        // A compare match since the last look sets its flag (software may poll CCxIF without the interrupt).
        if (this.running) this.flagCompares(this.counter);
        return this.regs[offset >>> 2];
      case TIM.CR1:
      case TIM.PSC:
      case TIM.ARR:
        return this.regs[offset >>> 2];
      case TIM.CCER:
      case TIM.CCR1:
      case TIM.CCR2:
      case TIM.CCR3:
      case TIM.CCR4:
        return this.hasChannels ? this.regs[offset >>> 2] : undefined;
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (this.reservedOnBasic(offset)) return true;
    if (this.hasChannels && offset >= TIM.CCR1 && offset <= TIM.CCR4) {
      const ch = (offset - TIM.CCR1) >>> 2;
      this.regs[offset >>> 2] = (value & this.mask) >>> 0;
      if (!this.channelMode(ch).preload) {
        this.rebase();
        this.activeCcr[ch] = this.regs[offset >>> 2];
        // A value the counter has already passed matches only next period.
        this.matchedThisPeriod[ch] = this.activeCcr[ch] < this.originCount ? 1 : 0;
        this.reschedule();
      }
      return true;
    }
    switch (offset) {
      case TIM.CCER:
        if (!this.hasChannels) return false;
        this.regs[TIM.CCER >>> 2] = value & 0xbbbb;
        return true;
      case TIM.CCMR1:
      case TIM.CCMR2:
        if (!this.hasChannels) return false;
        this.regs[offset >>> 2] = value;
        // Input capture (CCxS ≠ 00) is not modelled.
        for (const shift of [0, 8]) if ((value >>> shift) & 3) this.context.unmodelled(this.name, offset, true, value);
        this.rebase();
        this.reschedule();
        return true;
      case TIM.CR1: {
        this.rebase();
        this.regs[TIM.CR1 >>> 2] = value & 0xbff;
        this.reschedule();
        return true;
      }
      case TIM.DIER:
        this.regs[TIM.DIER >>> 2] = value;
        this.updateIrq();
        this.rebase();
        this.reschedule();
        return true;
      case TIM.SR:
        // rc_w0: writing 0 clears a flag, writing 1 leaves it.
        this.regs[TIM.SR >>> 2] &= value;
        this.updateIrq();
        return true;
      case TIM.EGR:
        if (value & EGR_UG) {
          // UG re-initialises the counter and the prescaler counter (RM0433 TIM2–TIM5 chapter).
          this.originCount = 0;
          this.originCycle = this.context.clock.cycles;
          this.matchedThisPeriod.fill(0);
          this.updateEvent(true);
          this.reschedule();
        }
        return true;
      case TIM.CNT:
        this.originCount = (value & this.mask) >>> 0;
        this.originCycle = this.context.clock.cycles;
        // Compare values the new count has jumped past are not matches (RM0433: a match is CNT = CCRx).
        for (let ch = 0; ch < CC_CHANNELS; ch++) this.matchedThisPeriod[ch] = this.activeCcr[ch] < this.originCount ? 1 : 0;
        this.reschedule();
        return true;
      case TIM.PSC:
        this.regs[TIM.PSC >>> 2] = value & 0xffff; // always preloaded: active at the next update event
        return true;
      case TIM.ARR:
        this.regs[TIM.ARR >>> 2] = value & this.mask;
        if (!(this.regs[TIM.CR1 >>> 2] & CR1_ARPE)) {
          this.rebase();
          this.activeArr = (value & this.mask) >>> 0;
          this.reschedule();
        }
        return true;
      default:
        return false;
    }
  }
}
