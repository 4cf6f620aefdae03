import { BusError, type Bus } from './bus.js';
import type { CacheOps } from './cache-ops.js';
import type { Clock } from './clock.js';
import type { CycleModel, FlowObserver } from './cycle-model.js';
import { FAULT_KIND_NAMES, FaultKind, type ExceptionHost } from './exception-host.js';
import { CoreDebug, DEMCR_MON_EN } from './scs/core-debug.js';
import { Dwt } from './scs/dwt.js';
import { Mpu, isFault } from './scs/mpu.js';
import { SysTick } from './scs/systick.js';
import { Exc, NVIC_PRIORITY_MASK, STM32H750_IRQ_COUNT, exceptionName } from './scs/exception-numbers.js';
import {
  CCR_BP,
  CCR_DC,
  CCR_DIV_0_TRP,
  CCR_IC,
  CCR_NONBASETHRDENA,
  CCR_RESET,
  CCR_STKALIGN,
  CCR_UNALIGN_TRP,
  Cfsr,
  FPCCR_ASPEN,
  FPCCR_BFRDY,
  FPCCR_HFRDY,
  FPCCR_LSPACT,
  FPCCR_LSPEN,
  FPCCR_MMRDY,
  FPCCR_MONRDY,
  FPCCR_RESET,
  FPCCR_THREAD,
  FPCCR_USER,
  HFSR_DEBUGEVT,
  HFSR_FORCED,
  HFSR_VECTTBL,
  SCR_SEVONPEND,
  SCR_SLEEPONEXIT,
  SHCSR_BUSFAULTENA,
  SHCSR_MEMFAULTENA,
  SHCSR_USGFAULTENA,
} from './scs/scb-bits.js';
import type { CpuState } from './state.js';

export * from './scs/exception-numbers.js';
export * from './scs/scb-bits.js';

/**
 * The ARMv7-M exception model (ARMv7-M ARM DDI 0403E B1.5) of a Cortex-M7 with FPv5 (lazy FP stacking),
 * with the NVIC and SCB state it depends on. The register views (NVIC, SCB, SysTick, MPU, FPU system
 * registers, CoreDebug) live under scs/ and read and write the state kept here.
 *
 * Time: stacking, unstacking and tail-chaining are charged to `clock.cycles` here, priced by the attached
 * CycleModel's `exception()`, or by the defaults below when no model is attached.
 */

/** FPSCR bits 26:22 (AHP, DN, FZ, RMode) taken from FPDSCR when a new FP context starts (pseudocode ExecuteFPCheck()). */
const FPDSCR_MASK = 0x07c00000;

const CONTROL_NPRIV = 1;
const CONTROL_SPSEL = 2;
const CONTROL_FPCA = 4;

/** Default prices when no CycleModel is attached. */
export const DEFAULT_ENTRY_CYCLES = 12; // hw-facts.md §1.6: 12-cycle interrupt latency (zero-wait-state memory)
export const DEFAULT_RETURN_CYCLES = 12; // [I] no Cortex-M7 figure found; taken equal to entry (same 8-word frame)
export const DEFAULT_TAIL_CHAIN_CYCLES = 6; // [I] the Cortex-M3/M4 figure (their TRMs, "tail-chaining"); none for M7

export type BkptPolicy = 'stop' | 'hardfault';

export type StopKind = 'lockup' | 'bkpt' | 'sleep-forever' | 'spin-forever' | 'system-reset';

/** Why the exception model asked the run to stop. */
export interface StopReport {
  kind: StopKind;
  reason: string;
  /** PC of the instruction concerned (the BKPT, the faulting instruction, the WFI's successor). */
  pc: number;
  cycle: number;
}

export interface ExceptionModelOptions {
  /** Interrupt lines (default 150, the STM32H750). */
  irqCount?: number;
  /**
   * BKPT with no debugger: 'hardfault' is the architecture (HardFault with HFSR.DEBUGEVT, C1.5 / B1.5.6);
   * 'stop' (default) stops the run with a report, because Daisy firmware executes `bkpt` in its error
   * handlers (libdaisy-facts.md §1) and the simulator should say so there.
   */
  bkptPolicy?: BkptPolicy;
  /** DWT software lock state at reset (default true, Cortex-M7). */
  dwtLockedAtReset?: boolean;
  cycleModel?: CycleModel | null;
  /** Told of each exception entry, return and tail-chain and its cycles (the profiler). */
  flowObserver?: FlowObserver | null;
  cacheOps?: CacheOps | null;
  /** The run must stop: lockup, BKPT under the 'stop' policy, WFI with nothing ever to wake it. */
  onStop?: (report: StopReport) => void;
  /** AIRCR.SYSRESETREQ written with the key: the board decides what a system reset does. */
  onSystemResetRequest?: () => void;
  /** CCR written (UNALIGN_TRP, DIV_0_TRP, DC, IC …): the executor reads the trap bits from here. */
  onCcrChanged?: (ccr: number) => void;
}

export class ExceptionModel implements ExceptionHost {
  readonly irqCount: number;
  /** Number of exception numbers, 16 + irqCount. */
  readonly exceptionCount: number;

  // NVIC/SCB state, one byte per exception number.
  readonly pending: Uint8Array;
  readonly active: Uint8Array;
  /** Priority fields as written (top NVIC_PRIORITY_BITS bits kept); unused for exceptions 1–3. */
  readonly priority: Uint8Array;
  /** NVIC ISER state per IRQ line. */
  readonly irqEnabled: Uint8Array;
  /** Interrupt line levels as driven by peripherals. */
  readonly irqLevel: Uint8Array;
  private pendingCount = 0;
  private activeCount = 0;

  // SCB registers (B3.2).
  vtor = 0;
  prigroup = 0;
  scr = 0;
  ccr = CCR_RESET;
  /** SHCSR enable bits 18:16 only; pended/active bits are derived from `pending`/`active`. */
  shcsrEnables = 0;
  cfsr = 0;
  hfsr = 0;
  mmfar = 0;
  bfar = 0;
  actlr = 0;
  cpacr = 0;
  fpccr = FPCCR_RESET;
  fpcar = 0;
  fpdscr = 0;
  /** CSSELR: bit 0 InD (1 = instruction cache), bits 3:1 level (B4.8.5). */
  csselr = 0;
  /** The event register for WFE/SEV (B1.5.18). */
  eventRegister = 0;

  /** True when an exception is pending that can preempt now; the run loop then calls service(). */
  attention = false;
  /** Longest single sleep before the run is stopped as "sleeping forever" (2^32 cycles ≈ 9 s at 480 MHz). */
  maxSleepCycles = 2 ** 32;
  /** Set when the core locked up (B1.5.15); the reason says which fault in which handler. */
  lockedUp = false;
  lockupReason = '';
  /** The last stop request, or null. */
  stopReport: StopReport | null = null;

  /** The last synchronous fault taken (or that locked up): what, and the faulting instruction's address. */
  lastFault: { what: string; pc: number; cycle: number } | null = null;

  // Statistics for reports.
  exceptionsTaken = 0;
  tailChains = 0;
  lateArrivals = 0;
  exceptionCycles = 0;
  sleepCycles = 0;
  /** Cycles skipped while the core spun on a branch to itself or an idle loop (spinInPlace, idleUntilNextEvent). */
  spinCycles = 0;
  /** Exception entries, returns and tail-chains (ExceptionHost.transitions). */
  transitions = 0;

  bkptPolicy: BkptPolicy;
  cycleModel: CycleModel | null;
  flowObserver: FlowObserver | null;
  cacheOps: CacheOps | null;
  onStop: ((report: StopReport) => void) | null;
  onSystemResetRequest: (() => void) | null;
  onCcrChanged: ((ccr: number) => void) | null;

  readonly mpu = new Mpu();
  /**
   * Told when the pages where the MPU may refuse a data access change (Mpu.restrictedPages at the
   * thread's privilege), or null for none: connectExceptionModel hands them to the core. Also the
   * moment fetch permissions may have changed, so the core drops its decoded instructions.
   */
  onMpuPagesChanged: ((pages: Uint8Array | null) => void) | null = null;
  /**
   * Told when the core's privilege may have changed (exception entry and return, MSR CONTROL, reset):
   * privileged in Handler mode or with CONTROL.nPRIV = 0 (B1.4.4). Cheap: called on every entry and return.
   */
  onPrivilegeChanged: ((privileged: boolean) => void) | null = null;
  private mpuPages: Uint8Array | null = null;
  /** The MPU configuration and thread privilege `mpuPages` was computed for. */
  private mpuPagesVersion = -1;
  private mpuPagesPrivileged = true;
  readonly sysTick: SysTick;
  readonly debug = new CoreDebug();
  readonly dwt: Dwt;

  /**
   * The return address of the latest exception entry, when its frame could not be stacked (MSTKERR,
   * STKERR: the stack holds no frame, B1.5.6); -1 when it was. Debug views read the faulting PC here.
   */
  unstackedReturnAddress = -1;
  /** The extended frame used by the exception being entered or returned from (for the cycle model). */
  private frameIsFp = false;
  /** Scratch for unstacking: 8 basic words, 16 S registers, FPSCR. */
  private readonly frameWords = new Uint32Array(26);

  constructor(
    readonly state: CpuState,
    public bus: Bus,
    readonly clock: Clock,
    options: ExceptionModelOptions = {},
  ) {
    const irqCount = options.irqCount ?? STM32H750_IRQ_COUNT;
    if (!Number.isInteger(irqCount) || irqCount < 1 || irqCount > 496) {
      throw new Error(`ExceptionModel: irqCount must be 1..496 (ARMv7-M B3.4), got ${irqCount}`);
    }
    this.irqCount = irqCount;
    this.mpu.onChange = () => this.mpuPagesMayHaveChanged();
    this.exceptionCount = 16 + irqCount;
    this.pending = new Uint8Array(this.exceptionCount);
    this.active = new Uint8Array(this.exceptionCount);
    this.priority = new Uint8Array(this.exceptionCount);
    this.irqEnabled = new Uint8Array(irqCount);
    this.irqLevel = new Uint8Array(irqCount);
    this.bkptPolicy = options.bkptPolicy ?? 'stop';
    this.cycleModel = options.cycleModel ?? null;
    this.flowObserver = options.flowObserver ?? null;
    this.cacheOps = options.cacheOps ?? null;
    this.onStop = options.onStop ?? null;
    this.onSystemResetRequest = options.onSystemResetRequest ?? null;
    this.onCcrChanged = options.onCcrChanged ?? null;
    this.sysTick = new SysTick(clock, () => this.setPending(Exc.SysTick));
    this.dwt = new Dwt(clock, this.debug, options.dwtLockedAtReset ?? true);
  }

  // ---------------------------------------------------------------------------------------------
  // Reset (B1.5.5 TakeReset)

  /**
   * Resets the SCS and takes the reset exception: MSP = [VTOR], PC = [VTOR+4] with T from bit 0.
   * `vtor` is the implementation's initial vector table address (the STM32H750 boots from BOOT_ADD0,
   * 0x08000000 by default, RM0433 §2.6); the architecture's reset value is 0.
   */
  reset(vtor = 0): void {
    this.pending.fill(0);
    this.active.fill(0);
    this.priority.fill(0);
    this.irqEnabled.fill(0);
    this.pendingCount = 0;
    this.activeCount = 0;
    this.vtor = (vtor & 0xffffff80) >>> 0;
    this.prigroup = 0;
    this.scr = 0;
    this.setCcr(CCR_RESET);
    this.shcsrEnables = 0;
    this.cfsr = 0;
    this.hfsr = 0;
    this.mmfar = 0;
    this.bfar = 0;
    this.actlr = 0;
    this.cpacr = 0;
    this.fpccr = FPCCR_RESET;
    this.fpcar = 0;
    this.fpdscr = 0;
    this.csselr = 0;
    this.eventRegister = 0;
    this.lockedUp = false;
    this.lockupReason = '';
    this.lastFault = null;
    this.stopReport = null;
    this.sysTick.reset();
    this.mpu.reset();
    this.debug.reset();
    this.dwt.reset();

    const s = this.state;
    s.ipsr = 0;
    s.control = 0;
    s.selectStack();
    this.privilegeMayHaveChanged();
    s.primask = 0;
    s.faultmask = 0;
    s.basepri = 0;
    s.itState = 0;
    s.fpscr = 0;
    s.exclusiveAddress = -1;
    for (let i = 0; i <= 12; i++) s.r[i] = 0;
    s.setPsp(0);
    s.r[14] = 0xffffffff; // an illegal EXC_RETURN, B1.5.5
    let sp: number;
    let entry: number;
    try {
      sp = this.bus.read32(this.vtor);
      entry = this.bus.read32(this.vtor + 4);
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      s.r[15] = 0xfffffffe;
      this.lockup(`reset vector fetch failed at VTOR=0x${hex(this.vtor)}: ${e.message}`);
      return;
    }
    s.setMsp(sp & ~3);
    s.thumb = entry & 1;
    s.r[15] = entry & ~1;
    this.updateAttention();
  }

  // ---------------------------------------------------------------------------------------------
  // Priorities (B1.5.4)

  /** Priority of exception `n`: -3, -2, -1 for Reset, NMI, HardFault; the programmed field otherwise. */
  exceptionPriority(n: number): number {
    if (n === Exc.Reset) return -3;
    if (n === Exc.Nmi) return -2;
    if (n === Exc.HardFault) return -1;
    return this.priority[n];
  }

  /** The group (preemption) part of a priority under AIRCR.PRIGROUP. */
  groupPriority(p: number): number {
    if (p < 0) return p;
    const subMask = (2 << this.prigroup) - 1;
    return p & ~subMask & 0xff;
  }

  executionPriority(): number {
    return this.computeExecutionPriority(false);
  }

  /** B1.5.4 ExecutionPriority(); `ignoreMasks` leaves out PRIMASK and BASEPRI (WFI wake-up, B1.5.19). */
  private computeExecutionPriority(ignoreMasks: boolean): number {
    let highest = 256;
    if (this.activeCount > 0) {
      let seen = 0;
      for (let n = 1; n < this.exceptionCount && seen < this.activeCount; n++) {
        if (!this.active[n]) continue;
        seen++;
        const p = this.groupPriority(this.exceptionPriority(n));
        if (p < highest) highest = p;
      }
    }
    const s = this.state;
    let boosted = 256;
    if (!ignoreMasks) {
      if (s.basepri & 0xff) boosted = this.groupPriority(s.basepri & 0xff);
      if (s.primask & 1) boosted = 0;
    }
    if (s.faultmask & 1) boosted = -1;
    return boosted < highest ? boosted : highest;
  }

  /** Whether pending exception `n` may be taken at all (NVIC enable, SHCSR enables, DEMCR.MON_EN). */
  private isEnabled(n: number): boolean {
    if (n >= Exc.FirstIrq) return this.irqEnabled[n - Exc.FirstIrq] !== 0;
    switch (n) {
      case Exc.MemManage:
        return (this.shcsrEnables & SHCSR_MEMFAULTENA) !== 0;
      case Exc.BusFault:
        return (this.shcsrEnables & SHCSR_BUSFAULTENA) !== 0;
      case Exc.UsageFault:
        return (this.shcsrEnables & SHCSR_USGFAULTENA) !== 0;
      case Exc.DebugMonitor:
        return (this.debug.demcr & DEMCR_MON_EN) !== 0;
      default:
        return true;
    }
  }

  /**
   * The highest-priority pending and enabled exception (lowest priority value, then lowest number),
   * or 0 when none (B1.5.4). This is ICSR.VECTPENDING.
   */
  highestPending(): number {
    if (this.pendingCount === 0) return 0;
    let best = 0;
    let bestPri = 1000;
    for (let n = 1, seen = 0; n < this.exceptionCount && seen < this.pendingCount; n++) {
      if (!this.pending[n]) continue;
      seen++;
      if (!this.isEnabled(n)) continue;
      const p = this.exceptionPriority(n);
      if (p < bestPri) {
        bestPri = p;
        best = n;
      }
    }
    return best;
  }

  /** The pending exception that would preempt now, or 0. */
  private preemptingPending(): number {
    const n = this.highestPending();
    if (n === 0) return 0;
    return this.groupPriority(this.exceptionPriority(n)) < this.executionPriority() ? n : 0;
  }

  /** Recomputes `attention` and the MPU's negative-priority bypass. Call after any NVIC/mask change. */
  updateAttention(): void {
    const exec = this.executionPriority();
    this.mpu.negativePriority = exec < 0;
    if (this.pendingCount === 0 || this.lockedUp) {
      this.attention = false;
      return;
    }
    const n = this.highestPending();
    this.attention = n !== 0 && this.groupPriority(this.exceptionPriority(n)) < exec;
  }

  // ---------------------------------------------------------------------------------------------
  // Pending / active state: the API for peripherals and the register views

  setPending(n: number): void {
    if (n <= 0 || n >= this.exceptionCount) return;
    if (!this.pending[n]) {
      this.pending[n] = 1;
      this.pendingCount++;
      // SEVONPEND: a newly pending exception is a WFE wake-up event (B1.5.18).
      if (this.scr & SCR_SEVONPEND) this.eventRegister = 1;
    }
    this.updateAttention();
  }

  clearPending(n: number): void {
    if (n <= 0 || n >= this.exceptionCount || !this.pending[n]) return;
    this.pending[n] = 0;
    this.pendingCount--;
    // A level-sensitive line still asserted pends again at once.
    if (n >= Exc.FirstIrq && this.irqLevel[n - Exc.FirstIrq] && !this.active[n]) {
      this.pending[n] = 1;
      this.pendingCount++;
    }
    this.updateAttention();
  }

  /** Writes an active bit directly (SHCSR/IABR writes; B3.2.13 allows it, with care). */
  setActive(n: number, value: boolean): void {
    if (n <= 0 || n >= this.exceptionCount) return;
    const was = this.active[n] !== 0;
    if (was === value) return;
    this.active[n] = value ? 1 : 0;
    this.activeCount += value ? 1 : -1;
    this.updateAttention();
  }

  isPending(n: number): boolean {
    return n > 0 && n < this.exceptionCount && this.pending[n] !== 0;
  }

  isActive(n: number): boolean {
    return n > 0 && n < this.exceptionCount && this.active[n] !== 0;
  }

  /** Number of active exceptions (nesting depth). */
  get activeExceptionCount(): number {
    return this.activeCount;
  }

  /** An interrupt line changes level (SocContext.setIrq). A rising level pends the interrupt. */
  setIrqLevel(irq: number, level: boolean): void {
    this.checkIrq(irq);
    const was = this.irqLevel[irq] !== 0;
    this.irqLevel[irq] = level ? 1 : 0;
    if (level && !was) this.setPending(Exc.FirstIrq + irq);
  }

  /** Pends interrupt `irq` (a pulse). */
  pendIrq(irq: number): void {
    this.checkIrq(irq);
    this.setPending(Exc.FirstIrq + irq);
  }

  pendSysTick(): void {
    this.setPending(Exc.SysTick);
  }

  pendPendSV(): void {
    this.setPending(Exc.PendSV);
  }

  pendNmi(): void {
    this.setPending(Exc.Nmi);
  }

  /**
   * An imprecise BusFault (a buffered write the bus rejected later, B3.2.15 BFSR.IMPRECISERR): pends
   * BusFault, or HardFault with FORCED when BusFault is disabled. Asynchronous: it waits while its
   * priority cannot preempt, it never locks up the core by itself.
   */
  /** The last store the bus rejected (impreciseBusFault): for reports, the hardware keeps no such record. */
  lastRejectedStore: { pc: number; address: number } | null = null;

  /** A store the bus rejected (ExceptionHost.impreciseBusFault): asynchronous on the Cortex-M7. */
  impreciseBusFault(pc: number, address: number): void {
    this.lastRejectedStore = { pc, address };
    this.pendImpreciseBusFault();
  }

  pendImpreciseBusFault(): void {
    this.cfsr = (this.cfsr | Cfsr.IMPRECISERR) >>> 0;
    if (this.isEnabled(Exc.BusFault)) {
      this.setPending(Exc.BusFault);
    } else {
      this.hfsr = (this.hfsr | HFSR_FORCED) >>> 0;
      this.setPending(Exc.HardFault);
    }
  }

  /** Priority of exception `n` (4..15 or IRQ), as the 8-bit field reads (low bits not implemented). */
  setPriority(n: number, value: number): void {
    if (n < Exc.MemManage || n >= this.exceptionCount) return;
    this.priority[n] = value & NVIC_PRIORITY_MASK;
    this.updateAttention();
  }

  setIrqEnabled(irq: number, enabled: boolean): void {
    this.checkIrq(irq);
    this.irqEnabled[irq] = enabled ? 1 : 0;
    this.updateAttention();
  }

  private checkIrq(irq: number): void {
    if (!Number.isInteger(irq) || irq < 0 || irq >= this.irqCount) {
      throw new RangeError(`IRQ ${irq} out of range 0..${this.irqCount - 1}`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Registers with side effects, written by the SCB view

  setCcr(value: number): void {
    // STKALIGN and BP are read-as-one on the Cortex-M7 (DUI 0646, CCR bit assignments).
    const v = ((value & 0x0007031b) | CCR_STKALIGN | CCR_BP) >>> 0;
    const cacheChanged = ((v ^ this.ccr) & (CCR_DC | CCR_IC)) !== 0;
    this.ccr = v;
    if (cacheChanged && this.cacheOps) this.cacheOps.setEnabled((v & CCR_IC) !== 0, (v & CCR_DC) !== 0);
    if (this.onCcrChanged) this.onCcrChanged(v);
  }

  setPrigroup(value: number): void {
    this.prigroup = value & 7;
    this.updateAttention();
  }

  /** AIRCR.SYSRESETREQ. */
  requestSystemReset(): void {
    if (this.onSystemResetRequest) this.onSystemResetRequest();
    else this.stop('system-reset', 'AIRCR.SYSRESETREQ written (no board reset handler attached)');
  }

  /** AIRCR.VECTCLRACTIVE (debug use): clears all active state, IPSR and FAULTMASK stay. */
  clearAllActive(): void {
    this.active.fill(0);
    this.activeCount = 0;
    this.updateAttention();
  }

  // ---------------------------------------------------------------------------------------------
  // ExceptionHost: taking exceptions

  service(): void {
    if (this.lockedUp) {
      this.attention = false;
      return;
    }
    const n = this.preemptingPending();
    if (n === 0) {
      this.attention = false;
      return;
    }
    this.enter(n, this.state.r[15]);
  }

  fault(kind: FaultKind, address?: number): void {
    let exc: number;
    switch (kind) {
      case FaultKind.Undefined:
        this.cfsr |= Cfsr.UNDEFINSTR;
        exc = Exc.UsageFault;
        break;
      case FaultKind.InvalidState:
        this.cfsr |= Cfsr.INVSTATE;
        exc = Exc.UsageFault;
        break;
      case FaultKind.InvalidPc:
        this.cfsr |= Cfsr.INVPC;
        exc = Exc.UsageFault;
        break;
      case FaultKind.NoCoprocessor:
        this.cfsr |= Cfsr.NOCP;
        exc = Exc.UsageFault;
        break;
      case FaultKind.Unaligned:
        this.cfsr |= Cfsr.UNALIGNED;
        exc = Exc.UsageFault;
        break;
      case FaultKind.DivideByZero:
        this.cfsr |= Cfsr.DIVBYZERO;
        exc = Exc.UsageFault;
        break;
      case FaultKind.BusData:
        this.cfsr |= Cfsr.PRECISERR;
        if (address !== undefined) {
          this.cfsr |= Cfsr.BFARVALID;
          this.bfar = address >>> 0;
        }
        exc = Exc.BusFault;
        break;
      case FaultKind.BusFetch:
        this.cfsr |= Cfsr.IBUSERR;
        exc = Exc.BusFault;
        break;
      case FaultKind.MpuData:
        this.cfsr |= Cfsr.DACCVIOL;
        if (address !== undefined) {
          this.cfsr |= Cfsr.MMARVALID;
          this.mmfar = address >>> 0;
        }
        exc = Exc.MemManage;
        break;
      case FaultKind.MpuFetch:
        this.cfsr |= Cfsr.IACCVIOL;
        exc = Exc.MemManage;
        break;
      default:
        throw new Error(`ExceptionModel.fault: unknown fault kind ${kind as number}`);
    }
    this.cfsr >>>= 0;
    const what = FAULT_TEXT[kind] + (address !== undefined ? ` (address 0x${hex(address)})` : '');
    this.lastFault = { what, pc: this.state.r[15] >>> 0, cycle: this.clock.cycles };
    this.takeSynchronous(exc, this.state.r[15], what);
  }

  /** ExceptionHost.mpuRefuses: the MPU lookup at the core's current privilege (B1.4.4, B3.5). */
  mpuRefuses(addr: number, isWrite: boolean, isFetch: boolean): boolean {
    const s = this.state;
    return isFault(this.mpu.lookup(addr, isWrite, isFetch, s.ipsr !== 0 || (s.control & CONTROL_NPRIV) === 0));
  }

  controlWritten(): void {
    this.mpuPagesMayHaveChanged();
    this.privilegeMayHaveChanged();
  }

  /**
   * Recomputes the pages where data accesses are checked when the MPU's configuration or the thread's
   * privilege (CONTROL.nPRIV) changed; the negative-priority bypass alone changes nothing here.
   */
  private mpuPagesMayHaveChanged(): void {
    const privileged = (this.state.control & CONTROL_NPRIV) === 0;
    if (this.mpu.configVersion === this.mpuPagesVersion && privileged === this.mpuPagesPrivileged) return;
    this.mpuPagesVersion = this.mpu.configVersion;
    this.mpuPagesPrivileged = privileged;
    this.mpuPages = this.mpu.restrictedPages(privileged);
    if (this.onMpuPagesChanged) this.onMpuPagesChanged(this.mpuPages);
  }

  /**
   * Throws BusError kind 'mpu' when the MPU refuses a word of the exception frame [frame, frame + bytes)
   * at `privileged`: stacking (MSTKERR), unstacking (MUNSTKERR) and lazy FP preservation (MLSPERR) go
   * through the MPU like any access (B1.5.6, B1.5.8).
   */
  private checkFrame(frame: number, bytes: number, isWrite: boolean, privileged: boolean): void {
    const pages = this.mpuPages;
    if (pages === null || (pages[frame >>> 16] | pages[((frame + bytes - 1) >>> 0) >>> 16]) === 0) return;
    for (let a = frame; a < frame + bytes; a += 4) {
      if (isFault(this.mpu.lookup(a >>> 0, isWrite, false, privileged))) {
        throw new BusError(a >>> 0, isWrite, `the MPU refuses the exception frame word at 0x${hex(a)}`, 'mpu');
      }
    }
  }

  svc(_imm: number): void {
    // The return address is the instruction after the SVC (r[15] already advanced).
    this.takeSynchronous(Exc.SVCall, this.state.r[15], 'SVC');
  }

  bkpt(imm: number): void {
    const pc = this.state.r[15];
    if (this.bkptPolicy === 'stop') {
      this.stop('bkpt', `BKPT #${imm} at 0x${hex(pc)}${this.contextText()}${this.faultContext()}`, pc);
      return;
    }
    // No debugger (DHCSR.C_DEBUGEN = 0, DEMCR.MON_EN = 0): the debug event escalates to HardFault (C1.5).
    this.hfsr = (this.hfsr | HFSR_DEBUGEVT) >>> 0;
    this.takeSynchronous(Exc.HardFault, pc, `BKPT #${imm}`);
  }

  /**
   * A synchronous exception of the current instruction: escalated to HardFault when disabled or when
   * its priority does not preempt (B1.5.6, HFSR.FORCED), lockup when not even HardFault can (B1.5.15).
   */
  private takeSynchronous(exc: number, returnAddress: number, what: string): void {
    const target = this.escalate(exc);
    if (target === Exc.HardFault && this.executionPriority() < 0) {
      this.lockup(`${what} at 0x${hex(this.state.r[15])}${this.contextText()}${this.faultContext()}`);
      return;
    }
    if (!this.pending[target]) {
      this.pending[target] = 1;
      this.pendingCount++;
    }
    this.enter(target, returnAddress);
  }

  /** The exception taken for fault or SVC `exc` now: itself, or HardFault (setting FORCED). */
  private escalate(exc: number): number {
    if (exc === Exc.HardFault) return exc;
    if (!this.isEnabled(exc) || this.groupPriority(this.exceptionPriority(exc)) >= this.executionPriority()) {
      this.hfsr = (this.hfsr | HFSR_FORCED) >>> 0;
      return Exc.HardFault;
    }
    return exc;
  }

  /**
   * Exception entry (B1.5.6): stack the frame, charge the entry, take the highest pending exception
   * (normally `exc`; a higher-priority one that became pending during stacking is a late arrival and is
   * taken instead on the same frame, `exc` staying pending).
   */
  private enter(exc: number, returnAddress: number): void {
    this.pushStack(returnAddress);
    this.charge('entry');
    const clock = this.clock;
    if (clock.cycles >= clock.nextEventAt) clock.runDue();
    let chosen = this.highestPending();
    if (chosen === 0) chosen = exc;
    else if (chosen !== exc) this.lateArrivals++;
    this.exceptionTaken(chosen);
  }

  /** PushStack (B1.5.6) including the FP part and the EXC_RETURN value in LR. */
  private pushStack(returnAddress: number): void {
    const s = this.state;
    const fpca = (s.control & CONTROL_FPCA) !== 0;
    const frameSize = fpca ? 0x68 : 0x20;
    const forceAlign = fpca || (this.ccr & CCR_STKALIGN) !== 0;
    const threadPsp = s.ipsr === 0 && (s.control & CONTROL_SPSEL) !== 0;
    const sp = threadPsp ? s.getPsp() : s.getMsp();
    const realign = forceAlign && (sp & 4) !== 0 ? 1 : 0;
    const frame = ((sp - frameSize) & (forceAlign ? ~7 : ~3)) >>> 0;
    if (threadPsp) s.setPsp(frame);
    else s.setMsp(frame);
    const xpsr = ((s.xpsr & ~(1 << 9)) | (realign << 9)) >>> 0;
    this.frameIsFp = fpca;
    try {
      // Stacked with the privilege of the code being interrupted (B1.5.6 PushStack, MemA).
      this.checkFrame(frame, fpca && (this.fpccr & FPCCR_LSPEN) === 0 ? frameSize : 0x20, true, s.ipsr !== 0 || (s.control & CONTROL_NPRIV) === 0);
      const bus = this.bus;
      bus.write32(frame, s.r[0]);
      bus.write32(frame + 4, s.r[1]);
      bus.write32(frame + 8, s.r[2]);
      bus.write32(frame + 12, s.r[3]);
      bus.write32(frame + 16, s.r[12]);
      bus.write32(frame + 20, s.r[14]);
      bus.write32(frame + 24, returnAddress);
      bus.write32(frame + 28, xpsr);
      if (fpca) {
        if ((this.fpccr & FPCCR_LSPEN) === 0) {
          for (let i = 0; i < 16; i++) bus.write32(frame + 0x20 + 4 * i, s.s[i]);
          bus.write32(frame + 0x60, s.fpscr);
        } else {
          this.updateFpccr(frame);
        }
      }
      this.unstackedReturnAddress = -1;
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      this.unstackedReturnAddress = returnAddress >>> 0;
      this.stackingFault(e);
    }
    if (s.ipsr !== 0) s.r[14] = fpca ? 0xffffffe1 : 0xfffffff1;
    else s.r[14] = (fpca ? 0xffffffe9 : 0xfffffff9) | (s.control & CONTROL_SPSEL ? 4 : 0);
  }

  /** UpdateFPCCR (B1.5.6): record where the lazy FP state goes and who may take the faults. */
  private updateFpccr(frame: number): void {
    const s = this.state;
    this.fpcar = (frame + 0x20) & ~7;
    const exec = this.executionPriority();
    let f = this.fpccr & ~(FPCCR_USER | FPCCR_THREAD | FPCCR_HFRDY | FPCCR_MMRDY | FPCCR_BFRDY | FPCCR_MONRDY);
    f |= FPCCR_LSPACT;
    if (s.ipsr !== 0 ? false : (s.control & CONTROL_NPRIV) !== 0) f |= FPCCR_USER;
    if (s.ipsr === 0) f |= FPCCR_THREAD;
    if (exec > -1) f |= FPCCR_HFRDY;
    if (this.isEnabled(Exc.MemManage) && exec > this.exceptionPriority(Exc.MemManage)) f |= FPCCR_MMRDY;
    if (this.isEnabled(Exc.BusFault) && exec > this.exceptionPriority(Exc.BusFault)) f |= FPCCR_BFRDY;
    if (this.isEnabled(Exc.DebugMonitor) && exec > this.exceptionPriority(Exc.DebugMonitor)) f |= FPCCR_MONRDY;
    this.fpccr = f >>> 0;
  }

  /** A fault while stacking (MSTKERR / STKERR): a derived exception that competes with the original. */
  private stackingFault(e: BusError): void {
    const mpu = e.kind === 'mpu';
    this.cfsr = (this.cfsr | (mpu ? Cfsr.MSTKERR : Cfsr.STKERR)) >>> 0;
    const target = this.escalate(mpu ? Exc.MemManage : Exc.BusFault);
    if (!this.pending[target]) {
      this.pending[target] = 1;
      this.pendingCount++;
    }
  }

  /** ExceptionTaken (B1.5.6): vector fetch, Handler mode, IPSR, SPSEL = 0, FPCA = 0. */
  private exceptionTaken(exc: number): void {
    const s = this.state;
    let vector: number;
    for (;;) {
      try {
        vector = this.bus.read32((this.vtor + 4 * exc) >>> 0);
        break;
      } catch (e) {
        if (!(e instanceof BusError)) throw e;
        // A vector table read error is a HardFault with HFSR.VECTTBL (B3.2.16); lockup if it was HardFault's.
        this.hfsr = (this.hfsr | HFSR_VECTTBL) >>> 0;
        if (exc === Exc.HardFault || exc === Exc.Nmi) {
          this.lockup(`vector fetch for exception ${exc} failed at 0x${hex(this.vtor + 4 * exc)}`);
          return;
        }
        if (!this.pending[Exc.HardFault]) {
          this.pending[Exc.HardFault] = 1;
          this.pendingCount++;
        }
        exc = Exc.HardFault;
      }
    }
    if (this.pending[exc]) {
      this.pending[exc] = 0;
      this.pendingCount--;
    }
    if (!this.active[exc]) {
      this.active[exc] = 1;
      this.activeCount++;
    }
    this.exceptionsTaken++;
    s.ipsr = exc;
    s.thumb = vector & 1;
    s.itState = 0;
    s.control &= ~(CONTROL_FPCA | CONTROL_SPSEL);
    s.selectStack();
    s.r[15] = vector & ~1;
    s.exclusiveAddress = -1;
    this.eventRegister = 1;
    this.updateAttention();
    this.privilegeMayHaveChanged();
  }

  private privilegeMayHaveChanged(): void {
    const s = this.state;
    if (this.onPrivilegeChanged) this.onPrivilegeChanged(s.ipsr !== 0 || (s.control & CONTROL_NPRIV) === 0);
  }

  // ---------------------------------------------------------------------------------------------
  // Exception return (B1.5.8)

  exceptionReturn(excReturn: number): void {
    const s = this.state;
    excReturn >>>= 0;
    const returning = s.ipsr;
    const nested = this.activeCount;
    const low = excReturn & 0xf;
    if (!this.active[returning]) {
      this.invalidReturn(returning, excReturn, 'return from an inactive handler');
      return;
    }
    if ((excReturn & 0xffffffe0) >>> 0 !== 0xffffffe0 || (low !== 0x1 && low !== 0x9 && low !== 0xd)) {
      this.invalidReturn(returning, excReturn, 'illegal EXC_RETURN');
      return;
    }
    if (low !== 0x1 && nested !== 1 && (this.ccr & CCR_NONBASETHRDENA) === 0) {
      this.invalidReturn(returning, excReturn, 'return to Thread mode with other exceptions active');
      return;
    }
    this.deactivate(returning);

    // Tail-chaining: a pending exception that preempts the context being returned to is taken on the
    // frame already stacked, with the same EXC_RETURN.
    const next = this.preemptingPending();
    if (next !== 0) {
      this.frameIsFp = (excReturn & 0x10) === 0;
      this.charge('tail-chain');
      this.tailChains++;
      s.r[14] = excReturn;
      this.exceptionTaken(next);
      return;
    }

    const toThread = low !== 0x1;
    const psr = this.popStack(excReturn);
    if (psr < 0) return; // an unstacking fault was taken instead
    const ipsr = psr & 0x1ff;
    if (toThread ? ipsr !== 0 : ipsr === 0) {
      // The stacked IPSR disagrees with EXC_RETURN: INVPC, the frame stays (B1.5.8).
      this.cfsr = (this.cfsr | Cfsr.INVPC) >>> 0;
      this.takeWithoutStacking(Exc.UsageFault, excReturn, 'exception return with an inconsistent stacked IPSR');
      return;
    }
    this.commitPop(excReturn, psr);
    this.charge('return');
    s.exclusiveAddress = -1;
    this.eventRegister = 1;
    this.updateAttention();
    if (toThread && nested === 1 && (this.scr & SCR_SLEEPONEXIT) !== 0) {
      // SLEEPONEXIT: back in Thread mode with nothing active, sleep as WFI would (B1.5.19).
      this.sleep(false);
    }
  }

  /** DeActivate (B1.5.8): clears the active bit, FAULTMASK (unless NMI), re-pends an asserted line. */
  private deactivate(n: number): void {
    if (this.active[n]) {
      this.active[n] = 0;
      this.activeCount--;
    }
    if (n !== Exc.Nmi) this.state.faultmask = 0;
    if (n >= Exc.FirstIrq && this.irqLevel[n - Exc.FirstIrq] && !this.pending[n]) {
      this.pending[n] = 1;
      this.pendingCount++;
    }
  }

  /** Bad EXC_RETURN: deactivate, UFSR.INVPC, UsageFault taken with LR = the bad value (B1.5.8). */
  private invalidReturn(returning: number, excReturn: number, why: string): void {
    this.deactivate(returning);
    this.cfsr = (this.cfsr | Cfsr.INVPC) >>> 0;
    this.takeWithoutStacking(Exc.UsageFault, excReturn, `${why} (EXC_RETURN 0x${hex(excReturn)})`);
  }

  /** Takes a fault on the frame already stacked (exception-return faults), escalating as usual. */
  private takeWithoutStacking(exc: number, excReturn: number, what: string): void {
    const target = this.escalate(exc);
    if (target === Exc.HardFault && this.executionPriority() < 0) {
      this.lockup(`${what}${this.contextText()}`);
      return;
    }
    if (!this.pending[target]) {
      this.pending[target] = 1;
      this.pendingCount++;
    }
    this.state.r[14] = (0xf0000000 | excReturn) >>> 0;
    this.frameIsFp = (excReturn & 0x10) === 0;
    this.charge('tail-chain');
    this.exceptionTaken(target);
  }

  /**
   * Reads the frame of PopStack (B1.5.8) into `frameWords` without changing state; returns the stacked
   * xPSR, or -1 when an unstacking fault (MUNSTKERR/UNSTKERR) was taken instead.
   */
  private popStack(excReturn: number): number {
    const s = this.state;
    const fpFrame = (excReturn & 0x10) === 0;
    const frame = (excReturn & 0xf) === 0xd ? s.getPsp() : s.getMsp();
    const w = this.frameWords;
    this.frameIsFp = fpFrame;
    try {
      // Unstacked with the privilege of the mode returned to (B1.5.8: CurrentMode is set before PopStack).
      const toHandler = (excReturn & 0xf) === 0x1;
      const lazy = fpFrame && (this.fpccr & FPCCR_LSPACT) !== 0;
      this.checkFrame(frame, fpFrame && !lazy ? 0x68 : 0x20, false, toHandler || (s.control & CONTROL_NPRIV) === 0);
      const bus = this.bus;
      for (let i = 0; i < 8; i++) w[i] = bus.read32(frame + 4 * i);
      if (fpFrame && (this.fpccr & FPCCR_LSPACT) === 0) {
        for (let i = 0; i < 17; i++) w[8 + i] = bus.read32(frame + 0x20 + 4 * i);
      }
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      const mpu = e.kind === 'mpu';
      this.cfsr = (this.cfsr | (mpu ? Cfsr.MUNSTKERR : Cfsr.UNSTKERR)) >>> 0;
      this.takeWithoutStacking(mpu ? Exc.MemManage : Exc.BusFault, excReturn, `unstacking fault: ${e.message}`);
      return -1;
    }
    return w[7];
  }

  /** Commits a frame read by popStack: registers, FP state, stack pointer, xPSR, mode and stack. */
  private commitPop(excReturn: number, psr: number): void {
    const s = this.state;
    const w = this.frameWords;
    const fpFrame = (excReturn & 0x10) === 0;
    const low = excReturn & 0xf;
    const frameSize = fpFrame ? 0x68 : 0x20;
    const forceAlign = fpFrame || (this.ccr & CCR_STKALIGN) !== 0;
    s.r[0] = w[0];
    s.r[1] = w[1];
    s.r[2] = w[2];
    s.r[3] = w[3];
    s.r[12] = w[4];
    s.r[14] = w[5];
    s.r[15] = w[6] & ~1;
    if (fpFrame) {
      if (this.fpccr & FPCCR_LSPACT) {
        // The handler never touched the FPU: the registers still hold the interrupted context.
        this.fpccr = (this.fpccr & ~FPCCR_LSPACT) >>> 0;
      } else {
        for (let i = 0; i < 16; i++) s.s[i] = w[8 + i];
        s.fpscr = w[24];
      }
    }
    const realign = forceAlign && (psr & (1 << 9)) !== 0 ? 4 : 0;
    if (low === 0xd) s.setPsp(((s.getPsp() + frameSize) | realign) >>> 0);
    else s.setMsp(((s.getMsp() + frameSize) | realign) >>> 0);
    s.xpsr = psr;
    let control = s.control & ~(CONTROL_FPCA | CONTROL_SPSEL);
    if (fpFrame) control |= CONTROL_FPCA;
    if (low === 0xd) control |= CONTROL_SPSEL;
    s.control = control;
    s.selectStack();
    this.privilegeMayHaveChanged();
  }

  // ---------------------------------------------------------------------------------------------
  // FP context: the ARM ARM pseudocode ExecuteFPCheck(), CheckVFPEnabled(), PreserveFPState()

  beforeFpInstruction(): boolean {
    if (!this.checkFpAccess()) return false;
    const s = this.state;
    if (this.fpccr & FPCCR_LSPACT) {
      if (!this.preserveFpState()) return false;
    }
    if ((this.fpccr & FPCCR_ASPEN) !== 0 && (s.control & CONTROL_FPCA) === 0) {
      s.fpscr = ((s.fpscr & ~FPDSCR_MASK) | (this.fpdscr & FPDSCR_MASK)) >>> 0;
      s.control |= CONTROL_FPCA;
    }
    return true;
  }

  fpNeedsNothing(): boolean {
    const f = this.fpccr;
    return ((this.cpacr >>> 20) & 3) === 3 && (f & FPCCR_LSPACT) === 0 && ((f & FPCCR_ASPEN) === 0 || (this.state.control & CONTROL_FPCA) !== 0);
  }

  checkFpAccess(): boolean {
    const s = this.state;
    // CheckVFPEnabled: CPACR.CP10 (CP11 must match) 0b01 privileged only, 0b11 full (B3.2.20).
    const cp10 = (this.cpacr >>> 20) & 3;
    const privileged = s.ipsr !== 0 || (s.control & CONTROL_NPRIV) === 0;
    if (!(cp10 === 3 || (cp10 === 1 && privileged))) {
      this.fault(FaultKind.NoCoprocessor);
      return false;
    }
    return true;
  }

  /** PreserveFPState: write S0–S15 and FPSCR to the space reserved at FPCAR, clear LSPACT. */
  private preserveFpState(): boolean {
    const s = this.state;
    const base = this.fpcar & ~7;
    try {
      // With the privilege recorded in FPCCR.USER when the space was reserved (B1.5.7 PreserveFPState).
      this.checkFrame(base >>> 0, 0x44, true, (this.fpccr & FPCCR_USER) === 0);
      for (let i = 0; i < 16; i++) this.bus.write32(base + 4 * i, s.s[i]);
      this.bus.write32(base + 0x40, s.fpscr);
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      const mpu = e.kind === 'mpu';
      this.cfsr = (this.cfsr | (mpu ? Cfsr.MLSPERR : Cfsr.LSPERR)) >>> 0;
      this.takeSynchronous(mpu ? Exc.MemManage : Exc.BusFault, s.r[15], 'lazy FP state preservation fault');
      return false;
    }
    this.fpccr = (this.fpccr & ~FPCCR_LSPACT) >>> 0;
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Masks and sleep

  maskChanged(): void {
    this.updateAttention();
  }

  wfi(): void {
    this.sleep(false);
  }

  wfe(): void {
    if (this.eventRegister) {
      this.eventRegister = 0;
      return;
    }
    this.sleep(true);
    this.eventRegister = 0;
  }

  sev(): void {
    this.eventRegister = 1;
  }

  /**
   * The core branched to itself (`b .`, the usual `while (1) {}` idle loop): registers, flags and memory
   * stay as they are until an exception is taken, so time jumps from clock event to clock event, as for
   * WFI, until one would preempt. The instruction is then taken as the next instruction boundary after
   * the event, as on the core (up to the loop's 1–2 cycles earlier). When nothing could ever preempt
   * (PRIMASK/FAULTMASK set, no interrupt source enabled, no event due) the run stops instead.
   */
  spinInPlace(): void {
    const s = this.state;
    this.spinCycles += this.skipEvents(
      () => this.preemptingPending() !== 0,
      () => !this.canEverWake(false) || (s.primask & 1) !== 0 || (s.faultmask & 1) !== 0,
      'spin-forever',
      'branch to itself with no interrupt that could ever be taken',
      'branch to itself: no interrupt taken for more than',
      (s.r[15] - 4) >>> 0,
    );
  }

  /** See ExceptionHost.idleUntilNextEvent: one jump to the next clock event, which then runs. */
  idleUntilNextEvent(): void {
    const clock = this.clock;
    if (clock.nextEventAt === Infinity || clock.nextEventAt - clock.cycles > this.maxSleepCycles) return;
    const start = clock.cycles;
    if (clock.nextEventAt > clock.cycles) clock.cycles = clock.nextEventAt;
    clock.runDue();
    this.spinCycles += clock.cycles - start;
    this.cycleModel?.clockSkipped?.();
  }

  /**
   * WFI wakes on a pending exception that would preempt, or, with PRIMASK set, on one whose group
   * priority beats every active exception (taken only once PRIMASK clears) (B1.5.19).
   */
  private wouldWake(): boolean {
    const n = this.highestPending();
    if (n === 0) return false;
    const masked = (this.state.primask & 1) !== 0;
    return this.groupPriority(this.exceptionPriority(n)) < this.computeExecutionPriority(masked);
  }

  /**
   * Sleeps by jumping the clock from event to event (no per-cycle work) until a wake-up condition holds.
   * When nothing could ever wake the core (no event due, or for WFI no interrupt source enabled), or it
   * has slept `maxSleepCycles` in one go, the run is stopped with a "sleeping forever" reason instead.
   */
  private sleep(isWfe: boolean): void {
    const what = isWfe ? 'WFE' : 'WFI';
    this.sleepCycles += this.skipEvents(
      () => this.wouldWake() || (isWfe && this.eventRegister !== 0),
      () => !this.canEverWake(isWfe),
      'sleep-forever',
      `${what} with no interrupt that could ever wake the core`,
      `${what}: asleep for more than`,
    );
  }

  /**
   * Jumps the clock from event to event, running each, until `woken()`; returns the cycles skipped.
   * Stops the run as `kind` when no event is due or `hopeless()`, or after `maxSleepCycles`.
   */
  private skipEvents(woken: () => boolean, hopeless: () => boolean, kind: StopKind, never: string, tooLong: string, pc?: number): number {
    const clock = this.clock;
    const start = clock.cycles;
    while (!woken()) {
      if (clock.nextEventAt === Infinity || hopeless()) {
        this.stop(kind, `${never}${this.contextText()}`, pc);
        break;
      }
      if (clock.nextEventAt - start > this.maxSleepCycles) {
        this.stop(kind, `${tooLong} ${this.maxSleepCycles} cycles${this.contextText()}`, pc);
        break;
      }
      if (clock.nextEventAt > clock.cycles) clock.cycles = clock.nextEventAt;
      clock.runDue();
      if (this.stopReport) break;
    }
    this.cycleModel?.clockSkipped?.();
    return clock.cycles - start;
  }

  /**
   * Some source that could pend a waking exception is enabled: an NVIC line, SysTick with TICKINT.
   * WFE also wakes on events (SEV from an event callback, SEVONPEND), so it is always given the chance.
   */
  private canEverWake(isWfe: boolean): boolean {
    if (isWfe) return true;
    if (this.sysTick.interruptEnabled) return true;
    for (let i = 0; i < this.irqCount; i++) if (this.irqEnabled[i]) return true;
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Stops, lockup, cycles

  private lockup(reason: string): void {
    this.lockedUp = true;
    this.lockupReason = reason;
    this.attention = false;
    this.stop('lockup', `lockup: ${reason}`);
  }

  /** Records a stop request and tells the run loop. */
  stop(kind: StopKind, reason: string, pc = this.state.r[15]): void {
    const report: StopReport = { kind, reason, pc: pc >>> 0, cycle: this.clock.cycles };
    this.stopReport = report;
    if (this.onStop) this.onStop(report);
  }

  private charge(kind: 'entry' | 'return' | 'tail-chain'): void {
    this.transitions++;
    const model = this.cycleModel;
    const cycles = model
      ? model.exception(kind, this.frameIsFp)
      : kind === 'entry'
        ? DEFAULT_ENTRY_CYCLES
        : kind === 'return'
          ? DEFAULT_RETURN_CYCLES
          : DEFAULT_TAIL_CHAIN_CYCLES;
    if (this.flowObserver !== null) this.flowObserver.exception(kind, cycles);
    this.clock.cycles += cycles;
    this.exceptionCycles += cycles;
  }

  /** In a fault handler: which fault it handles, where, and the fault status registers. */
  faultContext(): string {
    const n = this.state.ipsr;
    if (n < Exc.HardFault || n > Exc.UsageFault) return '';
    const f = this.lastFault;
    const where = f ? `; handling ${f.what} at 0x${hex(f.pc)}` : '';
    return `${where}; HFSR=0x${hex(this.hfsr)} CFSR=0x${hex(this.cfsr)}`;
  }

  private contextText(): string {
    const n = this.state.ipsr;
    return n === 0 ? ' in Thread mode' : ` in ${exceptionName(n)} handler`;
  }
}

const FAULT_TEXT = FAULT_KIND_NAMES;

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

/** What the exception model drives on the instruction core (the Cpu class has these fields). */
export interface ExceptionCoreHooks {
  exceptions: ExceptionHost;
  stopRequested: boolean;
  divByZeroTrap: boolean;
  unalignedTrap: boolean;
  basepriMask: number;
  /** Takes the pages where the MPU may refuse a data access and drops the decoded instructions (Cpu.setMpuPages). */
  setMpuPages(pages: Uint8Array | null): void;
  /** Decodes with privileged or unprivileged fetch permissions from here on (Cpu.setFetchPrivilege). */
  setFetchPrivilege(privileged: boolean): void;
}

/**
 * Wires a model to a core: the core's exception host becomes the model, a stop request (lockup, BKPT
 * policy, sleeping forever) sets `stopRequested`, CCR.DIV_0_TRP/UNALIGN_TRP reach the executor, and
 * BASEPRI keeps only the implemented priority bits (B1.4.3), and the core checks data accesses on the
 * pages where the MPU may refuse them (dropping its decoded instructions whenever the MPU or the thread's
 * privilege changes). Earlier onStop/onCcrChanged/onMpuPagesChanged callbacks are still called.
 */
export function connectExceptionModel(model: ExceptionModel, core: ExceptionCoreHooks): void {
  core.exceptions = model;
  core.basepriMask = NVIC_PRIORITY_MASK;
  const previousStop = model.onStop;
  model.onStop = (report) => {
    core.stopRequested = true;
    if (previousStop) previousStop(report);
  };
  const previousCcr = model.onCcrChanged;
  model.onCcrChanged = (ccr) => {
    core.divByZeroTrap = (ccr & CCR_DIV_0_TRP) !== 0;
    core.unalignedTrap = (ccr & CCR_UNALIGN_TRP) !== 0;
    if (previousCcr) previousCcr(ccr);
  };
  model.onCcrChanged(model.ccr);
  const previousMpu = model.onMpuPagesChanged;
  model.onMpuPagesChanged = (pages) => {
    core.setMpuPages(pages);
    if (previousMpu) previousMpu(pages);
  };
  const previousPrivilege = model.onPrivilegeChanged;
  model.onPrivilegeChanged = (privileged) => {
    core.setFetchPrivilege(privileged);
    if (previousPrivilege) previousPrivilege(privileged);
  };
}
