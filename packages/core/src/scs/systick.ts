import type { Clock } from '../clock.js';

/**
 * SysTick (ARMv7-M ARM DDI 0403E B3.3), registers at 0xE000E010. Counted lazily from the clock: the
 * counter value is computed from `clock.cycles` when read, and one clock event is scheduled for the next
 * 1 → 0 transition (DESIGN.md principle 1: peripherals are never ticked per cycle).
 *
 * Counting (B3.3.1): each tick decrements the counter; the tick that reaches 0 sets COUNTFLAG and, with
 * TICKINT, pends SysTick; the tick after a 0 loads RVR. So the period is RVR+1 ticks. A reload value of 0
 * stops the counter at 0 after the next wrap.
 * Clock: CLKSOURCE = 1 counts processor cycles; CLKSOURCE = 0 counts the external reference, which on the
 * STM32H7 is the CPU clock (sys_d1cpre_ck) divided by 8 (RM0433 §8.5.6 clock tree, "to Cortex system timer
 * /8"; [S] read via the clock-tree figure, not the register text).
 */
export const SYSTICK_EXTERNAL_DIVIDER = 8;

/** CALIB: NOREF = 0 (a reference clock exists), SKEW = 1, TENMS = 0 (not given by ST for the H7) [I]. */
export const SYSTICK_CALIB = 0x40000000;

export const enum SysTickReg {
  Csr = 0x0,
  Rvr = 0x4,
  Cvr = 0x8,
  Calib = 0xc,
}

export class SysTick {
  /** CSR bits ENABLE (0), TICKINT (1), CLKSOURCE (2); COUNTFLAG is kept in `countFlag`. */
  private csr = 0;
  private rvr = 0;
  private countFlag = false;
  /** Counter value at tick `anchorTick` (when enabled), or the frozen value (when disabled). */
  private anchorValue = 0;
  private anchorTick = 0;
  private event: object | null = null;
  private readonly onWrap = (now: number): void => this.wrap(now);

  constructor(
    private readonly clock: Clock,
    /** Pends the SysTick exception (exception 15). */
    private readonly pend: () => void,
  ) {}

  reset(): void {
    this.clock.cancel(this.event);
    this.event = null;
    this.csr = 0;
    this.rvr = 0;
    this.countFlag = false;
    this.anchorValue = 0;
    this.anchorTick = 0;
  }

  get enabled(): boolean {
    return (this.csr & 1) !== 0;
  }

  /** Counting with TICKINT set: it will pend SysTick. */
  get interruptEnabled(): boolean {
    return (this.csr & 3) === 3;
  }

  private get divider(): number {
    return this.csr & 4 ? 1 : SYSTICK_EXTERNAL_DIVIDER;
  }

  private nowTick(): number {
    return Math.floor(this.clock.cycles / this.divider);
  }

  /** Counter value at tick `tick` (>= anchorTick) given the anchor. */
  private valueAt(tick: number): number {
    if (!this.enabled) return this.anchorValue;
    const d = tick - this.anchorTick;
    if (d <= this.anchorValue) return this.anchorValue - d;
    if (this.rvr === 0) return 0;
    const e = d - this.anchorValue - 1;
    return this.rvr - (e % (this.rvr + 1));
  }

  /** The first tick after `anchorTick` at which the counter reaches 0, or Infinity. */
  private nextZeroTick(): number {
    if (!this.enabled) return Infinity;
    if (this.anchorValue > 0) return this.anchorTick + this.anchorValue;
    return this.rvr === 0 ? Infinity : this.anchorTick + 1 + this.rvr;
  }

  /** Processes any 1 → 0 transition at or before now (the event may not have run yet), then re-anchors. */
  private catchUp(): void {
    const now = this.nowTick();
    for (;;) {
      const zero = this.nextZeroTick();
      if (zero > now) break;
      this.reachZero(zero);
    }
    this.anchorValue = this.valueAt(now);
    this.anchorTick = now;
    this.reschedule();
  }

  private reachZero(tick: number): void {
    this.countFlag = true;
    this.anchorTick = tick;
    this.anchorValue = 0;
    if (this.csr & 2) this.pend();
  }

  private wrap(_now: number): void {
    this.event = null;
    this.catchUp();
  }

  private reschedule(): void {
    this.clock.cancel(this.event);
    this.event = null;
    const zero = this.nextZeroTick();
    if (zero === Infinity) return;
    this.event = this.clock.schedule(zero * this.divider, this.onWrap);
  }

  readRegister(offset: number): number {
    switch (offset) {
      case SysTickReg.Csr: {
        this.catchUp();
        const value = (this.csr | (this.countFlag ? 0x10000 : 0)) >>> 0;
        this.countFlag = false; // COUNTFLAG clears on read (B3.3.3)
        return value;
      }
      case SysTickReg.Rvr:
        return this.rvr;
      case SysTickReg.Cvr:
        this.catchUp();
        return this.anchorValue;
      case SysTickReg.Calib:
        return SYSTICK_CALIB;
      default:
        return 0;
    }
  }

  writeRegister(offset: number, value: number): void {
    value >>>= 0;
    switch (offset) {
      case SysTickReg.Csr: {
        this.catchUp();
        this.csr = value & 7;
        // Re-anchor in the (possibly new) tick unit so the current value carries over.
        // Enabled with the counter at 0, the next tick loads RVR and no wrap is counted (B3.3.1):
        // nextZeroTick() gives anchor + 1 + RVR for a zero anchor.
        this.anchorTick = this.nowTick();
        this.reschedule();
        return;
      }
      case SysTickReg.Rvr:
        this.catchUp();
        this.rvr = value & 0x00ffffff;
        this.reschedule();
        return;
      case SysTickReg.Cvr:
        // Any write clears the counter to 0 and COUNTFLAG (B3.3.5); it does not pend SysTick.
        this.catchUp();
        this.anchorValue = 0;
        this.anchorTick = this.nowTick();
        this.countFlag = false;
        this.reschedule();
        return;
      default:
        return;
    }
  }
}
