/**
 * The Cortex-M7 instruction core: fetch from the decode cache, execute, charge cycles, run clock events
 * and hand pending exceptions to the exception model between instructions.
 * ARMv7-M ARM (DDI 0403E) references: A2.3 (PC reads), A7.3 (conditional execution, IT), A3.2 (alignment),
 * B1.4/B1.5 (registers, exceptions).
 *
 * Contracts worth knowing:
 * - Decode once: records are cached per halfword address in 4 KiB pages. The core's own stores invalidate
 *   what they overwrite. Anything else that changes code bytes (DMA, a loader, the debugger) must call
 *   `invalidateCode(addr, bytes)`; a change of what an address maps to (QSPI entering memory-mapped mode,
 *   a boot remap) must call `invalidateAllCode()`.
 * - Unaligned LDR/STR/LDRH/STRH are passed to the bus as one access at the unaligned address (the bus
 *   serves Normal memory and throws BusError kind 'unaligned' for Device memory → UsageFault UNALIGNED);
 *   with `unalignedTrap` (CCR.UNALIGN_TRP) the core faults first. LDM/STM/LDRD/STRD/LDREX/STREX and the
 *   FP loads/stores use the *Aligned helpers, which always fault when unaligned.
 * - Bus reads may return a word as int32 or uint32 (same bits); the core accepts either.
 * - Faults (`fault()`), SVC, BKPT and exception return reach the ExceptionHost with r[15] as B1.5.6
 *   requires, then unwind the instruction through an internal sentinel caught by the run loop.
 * - LDRT/STRT and friends are performed as ordinary accesses (the Bus has no privilege input).
 */
import { BusError, type Bus } from './bus.js';
import { Clock } from './clock.js';
import type { CycleModel, FlowObserver, PricingFunction } from './cycle-model.js';
import { FaultKind, type ExceptionHost } from './exception-host.js';
import { CpuState } from './state.js';
import { Insn } from './decode/decoded.js';
import { decodeThumb } from './decode/thumb.js';
import { ThrowingExceptionHost } from './throwing-host.js';

export interface CpuOptions {
  bus: Bus;
  clock?: Clock;
  /** The exception model; default {@link ThrowingExceptionHost} (every fault, SVC, BKPT throws). */
  exceptions?: ExceptionHost;
  /** Prices instructions; default none: one cycle per instruction ("ideal"). */
  cycleModel?: CycleModel | null;
  /** Told of taken branches (and of every instruction while it asks); default none. */
  flowObserver?: FlowObserver | null;
  /** Share an existing register file (the exception model or FPU may create it first). */
  state?: CpuState;
}

/**
 * Unwinds an instruction that raised a fault, SVC or exception return out of its handler.
 * Internal: thrown by {@link Cpu.fault} and friends, caught only by the run loop.
 */
const ABORT: object = Object.freeze({ seedsimAbort: true });

/** Taken backward branches between two looks for an idle loop (Cpu.backwardBranch). */
const IDLE_CHECK_INTERVAL = 64;
/**
 * Other backward branches an armed look lets pass before its own branch comes round again: a loop turn
 * may take several (GCC often closes a polling loop with one back edge per path through its body).
 */
const IDLE_OTHER_BACK_EDGES = 3;
/** Entries of the table of loops found idle (Cpu.idleLoops), a power of two; mask for its index. */
const IDLE_LOOP_ENTRIES = 128;
const IDLE_LOOP_MASK = IDLE_LOOP_ENTRIES - 1;

const PAGE_SHIFT = 12;
const PAGE_HALFWORDS = 1 << (PAGE_SHIFT - 1);
const NO_PAGE: (Insn | null)[] = [];

type DecodeDirectory = ((Insn | null)[] | undefined)[][];
function newDirectory(): DecodeDirectory {
  return new Array(1 << (32 - PAGE_SHIFT - 8));
}

/** APSR condition check (A7.3.1, ConditionPassed). */
export function conditionPassed(s: CpuState, cond: number): boolean {
  let result: boolean;
  switch (cond >> 1) {
    case 0: result = s.z === 1; break; // EQ / NE
    case 1: result = s.c === 1; break; // CS / CC
    case 2: result = s.n === 1; break; // MI / PL
    case 3: result = s.v === 1; break; // VS / VC
    case 4: result = s.c === 1 && s.z === 0; break; // HI / LS
    case 5: result = s.n === s.v; break; // GE / LT
    case 6: result = s.n === s.v && s.z === 0; break; // GT / LE
    default: return true; // AL (and 0b1111, treated as always)
  }
  return (cond & 1) !== 0 ? !result : result;
}

export class Cpu {
  readonly state: CpuState;
  /** The register file, the same array as state.r. */
  readonly r: Uint32Array;
  readonly bus: Bus;
  readonly clock: Clock;
  exceptions: ExceptionHost;
  /** The timing model (see the cycleModel accessors). */
  private model: CycleModel | null;
  flowObserver: FlowObserver | null;
  /** Told the address of every CPU store (the board records which code last wrote each cache line). */
  storeObserver: ((addr: number) => void) | null = null;

  /** Address of the instruction being executed (valid during exec and in fault handling). */
  curPc = 0;
  /** Where execution continues after the current instruction; handlers change it to branch. */
  nextPc = 0;
  /** Outcome.BranchTaken (2) when the current instruction changed the flow, else 0. */
  branched = 0;
  /** Instructions executed (an instruction skipped in an IT block counts; so does one that faulted). */
  instructions = 0;
  /** Set by anyone (debugger BKPT policy, lockup, a budget) to make run() return after this instruction. */
  stopRequested = false;
  /** CCR.DIV_0_TRP (B3.2.8): SDIV/UDIV by zero faults with DIVBYZERO. Set by the SCS. */
  divByZeroTrap = false;
  /** CCR.UNALIGN_TRP: any unaligned LDR/STR/LDRH/STRH faults with UNALIGNED. Set by the SCS. */
  unalignedTrap = false;
  /**
   * The 64 KB pages (address >>> 16) where the MPU may refuse a data access at the thread's privilege,
   * or null while it refuses none (setMpuPages, from the exception model). Costs a data access one
   * test while null; on a marked page the host's lookup decides (ExceptionHost.mpuRefuses).
   */
  private mpuPages: Uint8Array | null = null;
  /** BASEPRI bits implemented (priority bits, B1.5.4); the STM32H7 NVIC has 4 (0xf0). Set by the SCS. */
  basepriMask = 0xff;

  /** Size in bytes of the LDREX that tagged state.exclusiveAddress (STREX must match it). */
  exclusiveSize = 0;

  /** Scratch for LDM: all words are read before any register changes (a fault leaves no effect). */
  readonly scratch = new Uint32Array(16);

  private abortRetires = false;

  // Idle-loop skipping (backwardBranch): the state at the armed branch, one loop turn ago.
  private idleCountdown = IDLE_CHECK_INTERVAL;
  private idleArmedAt = -1;
  /** Other backward branches taken since the look was armed (IDLE_OTHER_BACK_EDGES). */
  private idleOtherBackEdges = 0;
  private readonly idleRegs = new Uint32Array(15);
  private idleFlags = 0;
  private idleStores = 0;
  private idleFpCount = 0;
  private idleDevices = 0;
  private idleTransitions = 0;
  private idleExclusive = 0;
  /**
   * Back-edges (branch PCs, `pc | 0`) of loops whose idle skip moved the clock, direct-mapped by
   * (pc >>> 1) & IDLE_LOOP_MASK; -1 is empty. A loop found here is looked at on its first turn.
   */
  private readonly idleLoops = new Int32Array(IDLE_LOOP_ENTRIES).fill(-1);
  /** A remembered loop whose early look failed: not looked at early again until the next regular look. */
  private idleEarlyFailedAt = -1;
  /** Stores made (write8/16/32), and FP instructions begun (fpEnter): an idle loop makes neither. */
  private storeCount = 0;
  private fpCount = 0;
  /** Decoded pages: directory[page >>> 8][page & 0xff] (two levels, so a page switch is two array loads). */
  private directory: DecodeDirectory = newDirectory();
  /**
   * The decode cache not in use: privileged code and unprivileged thread code decode into caches of
   * their own, because an instruction's fetch permission, checked when it is decoded, can depend on the
   * privilege (B3.5). setFetchPrivilege swaps them.
   */
  private otherDirectory: DecodeDirectory = newDirectory();
  private fetchPrivileged = true;
  private curPageNumber = -1;
  private curPage: (Insn | null)[] = NO_PAGE;
  /** One byte per 4 KiB page: non-zero when the page holds decoded instructions (stores check it). */
  private readonly codePages = new Uint8Array(1 << (32 - PAGE_SHIFT));

  constructor(options: CpuOptions) {
    if (!options || !options.bus) throw new Error('Cpu: options.bus is required');
    this.bus = options.bus;
    this.clock = options.clock ?? new Clock();
    this.state = options.state ?? new CpuState();
    this.r = this.state.r;
    this.exceptions = options.exceptions ?? new ThrowingExceptionHost(this.state);
    this.model = options.cycleModel ?? null;
    this.flowObserver = options.flowObserver ?? null;
  }

  /** Prices instructions; null: one cycle per instruction ("ideal"). */
  get cycleModel(): CycleModel | null {
    return this.model;
  }

  /**
   * A new model forgets the decoded records: each keeps the pricing function the old model gave it
   * (TimingInfo.timingHandle), which the run loop calls in place of retire().
   */
  set cycleModel(model: CycleModel | null) {
    this.model = model;
    this.invalidateAllCode();
  }

  /** Clears the architectural state (registers, flags, masks, stacks, FP). Memory and the clock are untouched. */
  reset(): void {
    const s = this.state;
    s.r.fill(0);
    s.msp = 0;
    s.psp = 0;
    s.activeIsPsp = false;
    s.n = s.z = s.c = s.v = s.q = 0;
    s.ge = 0;
    s.itState = 0;
    s.thumb = 1;
    s.ipsr = 0;
    s.primask = s.faultmask = s.basepri = 0;
    s.control = 0;
    s.s.fill(0);
    s.fpscr = 0;
    s.exclusiveAddress = -1;
    this.stopRequested = false;
    this.idleArmedAt = -1;
    this.idleCountdown = IDLE_CHECK_INTERVAL;
    this.idleLoops.fill(-1);
    this.idleEarlyFailedAt = -1;
  }

  /** Reset through a vector table (B1.5.5 TakeReset, register part): MSP = [vtor], PC = [vtor+4]. */
  resetFromVectorTable(vtor: number): void {
    this.reset();
    const sp = this.bus.read32(vtor >>> 0);
    const entry = this.bus.read32((vtor + 4) >>> 0);
    this.state.r[13] = sp & ~3;
    this.state.r[14] = 0xffffffff;
    this.state.thumb = entry & 1;
    this.state.r[15] = entry & ~1;
  }

  /** Executes exactly one instruction, then due clock events and pending exceptions. */
  step(): void {
    this.runLoop(1, Infinity);
  }

  /**
   * Executes up to `maxInstructions`, stopping early when `stopRequested` is set or the clock reaches
   * `stopAtCycle`. Returns the number of instructions executed.
   */
  run(maxInstructions: number, stopAtCycle = Infinity): number {
    if (maxInstructions <= 0 || this.stopRequested) return 0;
    return this.runLoop(maxInstructions, stopAtCycle);
  }

  private runLoop(max: number, stopAtCycle: number): number {
    const s = this.state;
    const r = this.r;
    const clock = this.clock;
    let n = 0;
    for (;;) {
      try {
        for (;;) {
          const pc = r[15];
          this.curPc = pc;
          if (s.thumb === 0) this.fault(FaultKind.InvalidState);
          const pageNumber = pc >>> PAGE_SHIFT;
          const page = pageNumber === this.curPageNumber ? this.curPage : this.selectPage(pageNumber);
          let insn = page[(pc & 0xfff) >>> 1];
          if (insn === null) insn = this.decodeAt(pc, page);
          this.nextPc = pc + insn.size;
          this.branched = 0;
          r[15] = pc + 4;
          let outcome = 0;
          const it = s.itState;
          if (it === 0) {
            insn.exec(this, insn);
            outcome = 1 | this.branched;
          } else {
            // cond 15 marks instructions that execute even when their IT condition fails (BKPT, A7.7.17).
            if (insn.cond === 15 || conditionPassed(s, it >>> 4)) {
              insn.execIt(this, insn);
              outcome = 1 | this.branched;
            }
            // ITAdvance (A7.3.2)
            s.itState = (it & 7) === 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f);
          }
          r[15] = this.nextPc;
          n++;
          this.instructions++;
          const cm = this.model;
          if (cm === null) clock.cycles += 1;
          else {
            // The model's pricing function for this record, called directly (TimingInfo.timingHandle).
            const price = insn.timingHandle;
            clock.cycles += typeof price === 'function' ? (price as PricingFunction)(cm, pc, insn, outcome) : cm.retire(pc, insn, outcome);
          }
          // 2: Outcome.BranchTaken (a literal on the hot path, like `1 | this.branched` above).
          const fo = this.flowObserver;
          if (fo !== null && ((outcome & 2) !== 0 || fo.attention)) fo.retired(pc, insn, outcome);
          if (clock.cycles >= clock.nextEventAt) clock.runDue();
          if (this.exceptions.attention) this.exceptions.service();
          if (n >= max || this.stopRequested || clock.cycles >= stopAtCycle) return n;
        }
      } catch (e) {
        if (e !== ABORT) throw e;
        n++;
        this.instructions++;
        const cm = this.model;
        if (cm === null) clock.cycles += 1;
        else if (this.abortRetires) clock.cycles += cm.retire(this.curPc, this.decodedAt(this.curPc), 1 | this.branched);
        const fo = this.flowObserver;
        if (fo !== null && this.abortRetires && (this.branched !== 0 || fo.attention)) {
          fo.retired(this.curPc, this.decodedAt(this.curPc), 1 | this.branched);
        }
        this.abortRetires = false;
        if (clock.cycles >= clock.nextEventAt) clock.runDue();
        if (this.exceptions.attention) this.exceptions.service();
        if (n >= max || this.stopRequested || clock.cycles >= stopAtCycle) return n;
      }
    }
  }

  // ---- decode cache ----

  private selectPage(pageNumber: number): (Insn | null)[] {
    let group = this.directory[pageNumber >>> 8];
    if (group === undefined) {
      group = new Array<(Insn | null)[] | undefined>(256).fill(undefined);
      this.directory[pageNumber >>> 8] = group;
    }
    let page = group[pageNumber & 0xff];
    if (page === undefined) {
      page = new Array<Insn | null>(PAGE_HALFWORDS).fill(null);
      group[pageNumber & 0xff] = page;
    }
    this.curPageNumber = pageNumber;
    this.curPage = page;
    return page;
  }

  private fetch16(addr: number): number {
    // Execute permission (MPU regions, XN, the default map's XN regions: B3.5, B3.1 Table B3-1).
    if (this.exceptions.mpuRefuses !== undefined && this.exceptions.mpuRefuses(addr >>> 0, false, true)) {
      this.r[15] = this.curPc;
      this.exceptions.fault(FaultKind.MpuFetch, addr >>> 0);
      throw ABORT;
    }
    try {
      return this.bus.fetch16(addr >>> 0);
    } catch (e) {
      if (e instanceof BusError) {
        this.r[15] = this.curPc;
        this.exceptions.fault(e.kind === 'mpu' ? FaultKind.MpuFetch : FaultKind.BusFetch, addr >>> 0);
        throw ABORT;
      }
      throw e;
    }
  }

  private decodeAt(pc: number, page: (Insn | null)[]): Insn {
    const hw1 = this.fetch16(pc);
    const wide = hw1 >>> 11 >= 0x1d;
    const hw2 = wide ? this.fetch16(pc + 2) : 0;
    const insn = decodeThumb(hw1, hw2, pc);
    insn.pc = pc;
    insn.size = wide ? 4 : 2;
    insn.raw = wide ? ((hw1 << 16) | hw2) >>> 0 : hw1;
    page[(pc & 0xfff) >>> 1] = insn;
    this.codePages[pc >>> PAGE_SHIFT] = 1;
    if (wide) this.codePages[(pc + 2) >>> PAGE_SHIFT] = 1;
    return insn;
  }

  /** Forgets decoded instructions overlapping [addr, addr+bytes): call after DMA or a loader writes code memory. */
  invalidateCode(addr: number, bytes: number): void {
    if (bytes <= 0) return;
    // A 32-bit instruction starting 2 bytes before addr also contains it.
    let a = Math.max(0, (addr >>> 0) - 2) & ~1;
    const end = Math.min(0x1_0000_0000, (addr >>> 0) + bytes);
    while (a < end) {
      const pageNumber = a >>> PAGE_SHIFT;
      const pageEnd = Math.min(end, (pageNumber + 1) * (1 << PAGE_SHIFT));
      if (this.codePages[pageNumber] !== 0) {
        for (const directory of [this.directory, this.otherDirectory]) {
          const page = directory[pageNumber >>> 8]?.[pageNumber & 0xff];
          if (page !== undefined) for (let h = a; h < pageEnd; h += 2) page[(h & 0xfff) >>> 1] = null;
        }
      }
      a = pageEnd;
    }
  }

  /** Forgets every decoded instruction (e.g. after the memory map changes, QSPI becomes memory-mapped). */
  invalidateAllCode(): void {
    this.directory = newDirectory();
    this.otherDirectory = newDirectory();
    this.codePages.fill(0);
    this.curPageNumber = -1;
    this.curPage = NO_PAGE;
  }

  /**
   * Decodes from here on with the fetch permissions of privileged or unprivileged execution (the
   * exception model calls it when Handler mode or CONTROL.nPRIV changes the privilege, B1.4.4).
   */
  setFetchPrivilege(privileged: boolean): void {
    if (privileged === this.fetchPrivileged) return;
    this.fetchPrivileged = privileged;
    const other = this.otherDirectory;
    this.otherDirectory = this.directory;
    this.directory = other;
    this.curPageNumber = -1;
    this.curPage = NO_PAGE;
  }

  /** The decoded record at `pc` (decoding it if needed), for tracers and disassembly. */
  decodedAt(pc: number): Insn {
    const page = this.selectPage(pc >>> PAGE_SHIFT);
    return page[(pc & 0xfff) >>> 1] ?? this.decodeAt(pc, page);
  }

  // ---- exceptions raised by instructions ----

  /** Raises a synchronous fault of the current instruction and abandons it (no further effect). */
  fault(kind: FaultKind, address?: number): never {
    this.r[15] = this.curPc;
    this.exceptions.fault(kind, address);
    throw ABORT;
  }

  /** SVC (A7.7.175): the instruction completes, then the host takes SVCall with PC past the SVC. */
  svc(imm: number): never {
    this.completeBeforeHost();
    this.exceptions.svc(imm);
    throw ABORT;
  }

  /** BKPT (A7.7.17): PC stays at the BKPT; the host escalates or stops the run. */
  bkpt(imm: number): never {
    this.r[15] = this.curPc;
    this.exceptions.bkpt(imm);
    throw ABORT;
  }

  /** Writes PC the way BX/LDR/POP do (BXWritePC, LoadWritePC; A2.3.1), incl. exception return (B1.5.8). */
  bxWritePc(value: number): void {
    if (value >>> 28 === 0xf && this.state.ipsr !== 0) {
      this.branched = 2;
      this.completeBeforeHost();
      this.exceptions.exceptionReturn(value >>> 0);
      throw ABORT;
    }
    // EPSR.T follows bit 0; T = 0 faults INVSTATE on the next instruction.
    this.state.thumb = value & 1;
    this.nextPc = (value & ~1) >>> 0;
    this.branched = 2;
  }

  /** BranchWritePC (A2.3.1): ADD/MOV to PC ignore bit 0. */
  branchTo(target: number): void {
    this.nextPc = (target & ~1) >>> 0;
    this.branched = 2;
  }

  /**
   * Before the host takes SVCall or performs exception return the instruction has completed: PC points
   * past it and ITSTATE has advanced; it is retired (charged) by the run loop.
   */
  private completeBeforeHost(): void {
    const s = this.state;
    const it = s.itState;
    if (it !== 0) s.itState = (it & 7) === 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f);
    this.r[15] = this.nextPc;
    this.abortRetires = true;
  }

  /**
   * A taken branch to an earlier address: the end of a loop turn. Every IDLE_CHECK_INTERVAL-th one looks
   * whether the loop is idle: a turn that leaves registers, flags and the exclusive monitor as the previous
   * turn left them, and stores nothing, touches no device, runs no FP instruction and takes no exception,
   * reads the same memory and so repeats itself exactly until a clock event changes something (an
   * interrupt, a DMA transfer). The clock then jumps to that event, as for WFI: HAL_Delay's wait for the
   * next SysTick tick, a wait for a flag an interrupt sets. Interrupts are taken at the event's cycle, up to
   * one loop turn earlier than on the core.
   *
   * The turn is measured from the armed branch back to it: up to IDLE_OTHER_BACK_EDGES other backward
   * branches may come between (a loop with a back edge per path through its body, like the H7 HAL's
   * HAL_SPI_Transmit FIFO loop), and the comparison waits for the armed one.
   *
   * A loop whose skip moved the clock is remembered by its branch PC (idleLoops), and when that branch is
   * taken again the look starts at once: the state after this turn is compared with the state after the
   * next. Firmware enters the same short waits again and again (HAL_SPI_Transmit on SR.TXP, HAL_Delay on
   * the tick), each often shorter than IDLE_CHECK_INTERVAL turns. The comparison and the skip are the
   * same; only the moment of looking changes. An early look that fails at the same branch (the loop is
   * not idle this time) or skips nothing turns early looks off for that branch until the next regular
   * look, so a busy loop costs one snapshot, not one per turn.
   */
  backwardBranch(): void {
    if (--this.idleCountdown > 0) {
      // Not yet time for a regular look: look early only at a remembered idle loop (one load, one compare).
      const at = this.curPc;
      if (this.idleLoops[(at >>> 1) & IDLE_LOOP_MASK] !== (at | 0) || at === this.idleEarlyFailedAt) return;
    } else if (this.idleArmedAt === -1) {
      this.idleEarlyFailedAt = -1; // a regular look: remembered loops may be looked at early again
    }
    const devices = this.bus.deviceAccesses;
    if (devices === undefined) {
      this.idleCountdown = Infinity; // the bus cannot tell device accesses apart: never skip
      return;
    }
    const pc = this.curPc;
    if (this.idleArmedAt !== -1 && this.idleArmedAt !== pc && ++this.idleOtherBackEdges <= IDLE_OTHER_BACK_EDGES) {
      this.idleCountdown = 1; // another back edge of the same turn: compare when the armed one comes round
      return;
    }
    if (this.idleArmedAt === pc && this.sameStateAsArmed(devices)) {
      this.idleArmedAt = -1;
      this.idleCountdown = IDLE_CHECK_INTERVAL;
      const before = this.clock.cycles;
      this.exceptions.idleUntilNextEvent();
      if (this.clock.cycles !== before) this.idleLoops[(pc >>> 1) & IDLE_LOOP_MASK] = pc | 0;
      else this.idleEarlyFailedAt = pc; // no event to jump to: looking every other turn would find none
      return;
    }
    if (this.idleArmedAt !== -1) {
      // The second look found a changed state or another loop: not idle now; look again later.
      if (this.idleArmedAt === pc) this.idleEarlyFailedAt = pc;
      this.idleArmedAt = -1;
      this.idleCountdown = IDLE_CHECK_INTERVAL;
      return;
    }
    this.idleArmedAt = pc;
    this.idleOtherBackEdges = 0;
    this.idleCountdown = 1;
    const s = this.state;
    for (let i = 0; i < 15; i++) this.idleRegs[i] = this.r[i];
    this.idleFlags = this.packedFlags();
    this.idleExclusive = s.exclusiveAddress;
    this.idleStores = this.storeCount;
    this.idleFpCount = this.fpCount;
    this.idleDevices = devices;
    this.idleTransitions = this.exceptions.transitions;
  }

  private sameStateAsArmed(devices: number): boolean {
    if (this.storeCount !== this.idleStores || this.fpCount !== this.idleFpCount || devices !== this.idleDevices) return false;
    if (this.exceptions.transitions !== this.idleTransitions || this.state.exclusiveAddress !== this.idleExclusive) return false;
    if (this.packedFlags() !== this.idleFlags) return false;
    for (let i = 0; i < 15; i++) if (this.idleRegs[i] !== this.r[i]) return false;
    return true;
  }

  /** APSR (N, Z, C, V, Q, GE) and ITSTATE in one number. */
  private packedFlags(): number {
    const s = this.state;
    return s.n | (s.z << 1) | (s.c << 2) | (s.v << 3) | (s.q << 4) | (s.ge << 5) | (s.itState << 9);
  }

  /** The CPACR check alone (an unallocated FP encoding): unwinds on NOCP. */
  checkFpAccess(): void {
    const pcRead = this.r[15];
    this.r[15] = this.curPc;
    if (!this.exceptions.checkFpAccess()) throw ABORT;
    this.r[15] = pcRead;
  }

  /** FP executors call this first: CPACR check and lazy FP stacking by the host; unwinds on NOCP. */
  fpEnter(): void {
    this.fpCount++;
    if (this.exceptions.fpNeedsNothing()) return;
    const pcRead = this.r[15];
    this.r[15] = this.curPc;
    if (!this.exceptions.beforeFpInstruction()) throw ABORT;
    this.r[15] = pcRead;
  }

  // ---- data memory (A3.2 alignment, B3.2.15 bus faults) ----
  // Unaligned LDR/STR/LDRH/STRH (A3.2.1) go to the bus as one access of their full size at the unaligned
  // address: the bus serves them for Normal memory and throws BusError kind 'unaligned' for Device or
  // Strongly-ordered memory (a rule the SoC reports). With CCR.UNALIGN_TRP the core faults first.

  /**
   * MemManage DACCVIOL (MMFAR = addr) when the MPU refuses the access; asked only for an access that
   * starts on a marked page (setMpuPages also marks the page before a restricted one, for an access that
   * runs into it). Every byte is checked (B3.5): an access of at most 4 bytes touches at most two
   * 32-byte MPU granules, those of its first and last byte. MMFAR is the address of the part refused
   * (B3.2.16: an unaligned access is split, and the address of the part that faulted is recorded).
   */
  private mpuCheck(addr: number, size: number, isWrite: boolean): void {
    const host = this.exceptions;
    if (host.mpuRefuses === undefined) return;
    if (host.mpuRefuses(addr >>> 0, isWrite, false)) this.fault(FaultKind.MpuData, addr >>> 0);
    const last = (addr + size - 1) >>> 0;
    if (last >>> 5 !== addr >>> 5 && host.mpuRefuses(last, isWrite, false)) this.fault(FaultKind.MpuData, (last & ~31) >>> 0);
  }

  /**
   * Takes the pages where the MPU may refuse a data access (Mpu.restrictedPages), marking also the page
   * before each one, so the test of an access's first page covers an unaligned access that runs into the
   * next page. Drops the decoded instructions: fetch permissions are checked when an instruction is decoded.
   */
  setMpuPages(pages: Uint8Array | null): void {
    if (pages !== null) {
      const marked = pages.slice();
      for (let p = 1; p < pages.length; p++) if (pages[p] !== 0) marked[p - 1] = 1;
      pages = marked;
    }
    this.mpuPages = pages;
    this.invalidateAllCode();
  }

  /**
   * A store's access error: a bus error (not an MPU refusal or an unaligned Device access, which are
   * synchronous) is asynchronous when the host supports it (ExceptionHost.impreciseBusFault): the store
   * is dropped and the instruction goes on. Anything else is thrown as accessFault makes it.
   */
  private storeFault(e: unknown, addr: number): void {
    const host = this.exceptions;
    if (e instanceof BusError && e.kind !== 'mpu' && e.kind !== 'unaligned' && host.impreciseBusFault !== undefined) {
      host.impreciseBusFault(this.curPc, addr >>> 0);
      return;
    }
    throw this.accessFault(e, addr);
  }

  private accessFault(e: unknown, addr: number): unknown {
    if (e instanceof BusError) {
      this.r[15] = this.curPc;
      const kind = e.kind === 'mpu' ? FaultKind.MpuData : e.kind === 'unaligned' ? FaultKind.Unaligned : FaultKind.BusData;
      this.exceptions.fault(kind, addr >>> 0);
      return ABORT;
    }
    return e;
  }

  read32(addr: number): number {
    if ((addr & 3) !== 0 && this.unalignedTrap) this.fault(FaultKind.Unaligned, addr);
    const mp = this.mpuPages;
    if (mp !== null && mp[addr >>> 16] !== 0) this.mpuCheck(addr, 4, false);
    if (this.model !== null) this.model.dataAccess(addr, 4, false);
    try {
      return this.bus.read32(addr);
    } catch (e) {
      throw this.accessFault(e, addr);
    }
  }

  read16(addr: number): number {
    if ((addr & 1) !== 0 && this.unalignedTrap) this.fault(FaultKind.Unaligned, addr);
    const mp = this.mpuPages;
    if (mp !== null && mp[addr >>> 16] !== 0) this.mpuCheck(addr, 2, false);
    if (this.model !== null) this.model.dataAccess(addr, 2, false);
    try {
      return this.bus.read16(addr);
    } catch (e) {
      throw this.accessFault(e, addr);
    }
  }

  read8(addr: number): number {
    const mp = this.mpuPages;
    if (mp !== null && mp[addr >>> 16] !== 0) this.mpuCheck(addr, 1, false);
    if (this.model !== null) this.model.dataAccess(addr, 1, false);
    try {
      return this.bus.read8(addr);
    } catch (e) {
      throw this.accessFault(e, addr);
    }
  }

  /** Word read that must be word aligned (LDM, LDRD, LDREX, VLDR …): unaligned → UNALIGNED UsageFault. */
  read32Aligned(addr: number): number {
    if ((addr & 3) !== 0) this.fault(FaultKind.Unaligned, addr);
    const mp = this.mpuPages;
    if (mp !== null && mp[addr >>> 16] !== 0) this.mpuCheck(addr, 4, false);
    if (this.model !== null) this.model.dataAccess(addr, 4, false);
    try {
      return this.bus.read32(addr);
    } catch (e) {
      throw this.accessFault(e, addr);
    }
  }

  write32(addr: number, value: number): void {
    if ((addr & 3) !== 0 && this.unalignedTrap) this.fault(FaultKind.Unaligned, addr);
    const mp = this.mpuPages;
    if (mp !== null && mp[addr >>> 16] !== 0) this.mpuCheck(addr, 4, true);
    this.storeCount++;
    if (this.model !== null) this.model.dataAccess(addr, 4, true);
    if (this.storeObserver !== null) this.storeObserver(addr);
    try {
      this.bus.write32(addr, value);
    } catch (e) {
      this.storeFault(e, addr);
    }
    // Self-modifying code: forget decoded instructions in the bytes written (both pages if unaligned).
    if (this.codePages[addr >>> PAGE_SHIFT] !== 0 || this.codePages[(addr + 3) >>> PAGE_SHIFT] !== 0) this.invalidateCode(addr, 4);
  }

  write16(addr: number, value: number): void {
    if ((addr & 1) !== 0 && this.unalignedTrap) this.fault(FaultKind.Unaligned, addr);
    const mp = this.mpuPages;
    if (mp !== null && mp[addr >>> 16] !== 0) this.mpuCheck(addr, 2, true);
    this.storeCount++;
    if (this.model !== null) this.model.dataAccess(addr, 2, true);
    if (this.storeObserver !== null) this.storeObserver(addr);
    try {
      this.bus.write16(addr, value & 0xffff);
    } catch (e) {
      this.storeFault(e, addr);
    }
    if (this.codePages[addr >>> PAGE_SHIFT] !== 0 || this.codePages[(addr + 1) >>> PAGE_SHIFT] !== 0) this.invalidateCode(addr, 2);
  }

  write8(addr: number, value: number): void {
    const mp = this.mpuPages;
    if (mp !== null && mp[addr >>> 16] !== 0) this.mpuCheck(addr, 1, true);
    this.storeCount++;
    if (this.model !== null) this.model.dataAccess(addr, 1, true);
    if (this.storeObserver !== null) this.storeObserver(addr);
    try {
      this.bus.write8(addr, value & 0xff);
    } catch (e) {
      this.storeFault(e, addr);
    }
    if (this.codePages[addr >>> PAGE_SHIFT] !== 0) this.invalidateCode(addr, 1);
  }

  /** Word write that must be word aligned (STM, STRD, STREX, VSTR …). */
  write32Aligned(addr: number, value: number): void {
    if ((addr & 3) !== 0) this.fault(FaultKind.Unaligned, addr);
    this.write32(addr, value);
  }

  /** Privileged execution (B1.4.4): Handler mode, or Thread mode with CONTROL.nPRIV = 0. */
  get privileged(): boolean {
    return this.state.ipsr !== 0 || (this.state.control & 1) === 0;
  }
}
