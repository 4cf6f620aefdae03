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
  CNT: 0x24,
  PSC: 0x28,
  ARR: 0x2c,
} as const;

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

/**
 * A general-purpose timer (RM0433 TIM2–TIM5 chapter) counting up at the APB1 timer clock from the ClockTree.
 * Nothing ticks: CNT is computed from clock.cycles when read, and one clock event is scheduled at the
 * next overflow (update event: UIF, the NVIC line when DIER.UIE, preloaded PSC/ARR take effect).
 * Modelled: CEN, UDIS, URS, OPM, ARPE, UG, UIF/UIE, CNT/PSC/ARR. Down/center-aligned counting,
 * capture/compare, slave modes and DMA requests are not (their registers are stored and reported).
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

  constructor(
    context: SocContext,
    name: GeneralPurposeTimerName | BasicTimerName,
    private readonly clocks: ClockTree,
  ) {
    const spec = name === 'TIM6' || name === 'TIM7' ? BASIC_TIMERS[name] : GENERAL_PURPOSE_TIMERS[name];
    super(name, spec.base, 0x400, context, 'TIM2');
    this.irq = spec.irq;
    this.mask = spec.bits === 32 ? 0xffffffff : 0xffff;
    // RM0433 TIM2–TIM5 chapter: ARR resets to all ones (0xFFFF_FFFF for TIM2/TIM5, 0xFFFF for TIM3/TIM4).
    this.activeArr = this.mask >>> 0;
    this.regs[TIM.ARR >>> 2] = this.activeArr;
    this.stored(TIM.CR2, TIM.SMCR, TIM.DIER);
    // SR.UIF is set by the overflow event, CR1.CEN cleared by it (one-pulse). Not CNT: computed from
    // clock.cycles at read time.
    this.eventStable(TIM.CR1, TIM.CR2, TIM.SMCR, TIM.DIER, TIM.SR, TIM.EGR, TIM.PSC, TIM.ARR);
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
    if (this.triggerListeners.length > 0) {
      const mms = (this.regs[TIM.CR2 >>> 2] >>> CR2_MMS_SHIFT) & 7;
      if (mms === MMS_UPDATE || (fromUg && mms === MMS_RESET)) for (const l of this.triggerListeners) l();
    }
    if (fromUg && cr1 & CR1_URS) return;
    this.regs[TIM.SR >>> 2] |= SR_UIF;
    this.updateIrq();
  }

  private updateIrq(): void {
    const pending = (this.regs[TIM.SR >>> 2] & this.regs[TIM.DIER >>> 2] & DIER_UIE) !== 0;
    this.context.setIrq(this.irq, pending);
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case TIM.CNT:
        return this.counter;
      case TIM.EGR:
        return 0; // write-only
      case TIM.CR1:
      case TIM.SR:
      case TIM.PSC:
      case TIM.ARR:
        return this.regs[offset >>> 2];
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case TIM.CR1: {
        this.rebase();
        this.regs[TIM.CR1 >>> 2] = value & 0xbff;
        this.reschedule();
        return true;
      }
      case TIM.DIER:
        this.regs[TIM.DIER >>> 2] = value;
        this.updateIrq();
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
          this.updateEvent(true);
          this.reschedule();
        }
        return true;
      case TIM.CNT:
        this.originCount = (value & this.mask) >>> 0;
        this.originCycle = this.context.clock.cycles;
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
