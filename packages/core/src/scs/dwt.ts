import type { Clock } from '../clock.js';
import { MmioDevice } from '../mmio.js';
import type { CoreDebug } from './core-debug.js';

/**
 * The DWT (ARMv7-M ARM DDI 0403E C1.8) at 0xE0001000, as far as firmware uses it: CTRL and the cycle
 * counter CYCCNT. CYCCNT counts processor cycles while DEMCR.TRCENA and CTRL.CYCCNTENA are both set;
 * it is computed lazily from `clock.cycles` (an offset is kept), never ticked.
 *
 * Software lock: the DWT is a CoreSight component with the optional software lock (LAR at 0xFB0, LSR
 * at 0xFB4, key 0xC5ACCE55; CoreSight Architecture Specification, "Lock Access Register"). On the
 * Cortex-M7 software writes are reported to be ignored until LAR is written with the key: on an
 * STM32F746, DWT_CTRL stayed 0x40000000 after setting CYCCNTENA until the key was written ([S] Stack
 * Overflow "Measuring clock cycle count on cortex m7", mirrored at techfeed.net/es/416096; not the TRM).
 * LSR reads 0x3 (lock implemented, locked) or 0x1 (unlocked). Whether the lock is set at reset is a
 * constructor option (default: locked), so firmware that never writes LAR can be run either way.
 * Every other DWT register reads as zero and ignores writes.
 */
export const DWT_LOCK_KEY = 0xc5acce55;

/** CTRL: NUMCOMP (31:28) = 4 comparators, NOCYCCNT (25) = 0: DWT_CTRL reads 0x40000000 at reset on the
 * STM32F746 (same source as the lock, above). */
const CTRL_NUMCOMP = 4 << 28;
/** CTRL bits that hold state (everything below NOPRFCNT..NOTRCPKT, C1.8.7). */
const CTRL_WRITABLE = 0x01ffffff;

export const enum DwtReg {
  Ctrl = 0x000,
  Cyccnt = 0x004,
  Lar = 0xfb0,
  Lsr = 0xfb4,
}

export class Dwt extends MmioDevice {
  private ctrl = 0;
  private locked: boolean;
  /** CYCCNT = (clock.cycles + offset) mod 2^32 while counting; `frozen` otherwise. */
  private offset = 0;
  private frozen = 0;
  private counting = false;

  constructor(
    private readonly clock: Clock,
    private readonly debug: CoreDebug,
    private readonly lockedAtReset = true,
  ) {
    super('DWT', 0xe0001000, 0x1000);
    this.locked = lockedAtReset;
    debug.onTraceEnableChanged = () => this.updateCounting();
  }

  reset(): void {
    this.ctrl = 0;
    this.locked = this.lockedAtReset;
    this.frozen = 0;
    this.counting = false;
  }

  /** CYCCNT as the firmware would read it now. */
  get cycleCount(): number {
    return this.counting ? (this.clock.cycles + this.offset) % 0x1_0000_0000 : this.frozen;
  }

  private set cycleCount(value: number) {
    this.frozen = value >>> 0;
    this.offset = this.frozen - this.clock.cycles;
  }

  private updateCounting(): void {
    const now = this.debug.traceEnabled && (this.ctrl & 1) !== 0;
    if (now === this.counting) return;
    const value = this.cycleCount;
    this.counting = now;
    this.cycleCount = value;
  }

  readWord(offset: number): number {
    switch (offset) {
      case DwtReg.Ctrl:
        return (CTRL_NUMCOMP | this.ctrl) >>> 0;
      case DwtReg.Cyccnt:
        return this.cycleCount;
      case DwtReg.Lsr:
        return this.locked ? 0x3 : 0x1;
      default:
        return 0;
    }
  }

  writeWord(offset: number, value: number): void {
    if (offset === DwtReg.Lar) {
      this.locked = value >>> 0 !== DWT_LOCK_KEY;
      return;
    }
    if (this.locked) return;
    switch (offset) {
      case DwtReg.Ctrl:
        this.ctrl = value & CTRL_WRITABLE;
        this.updateCounting();
        return;
      case DwtReg.Cyccnt:
        this.cycleCount = value;
        return;
      default:
        return;
    }
  }
}
