import { InsnClass, type CpuState, type FlowObserver, type TimingInfo } from '@seedsim/core';
import type { ElfSymbol, SymbolTable } from '@seedsim/elf';

const LR_BIT = 1 << 14;
/**
 * Outcome.BranchTaken as a literal for the per-instruction test: tsx compiles each file alone, so a const
 * enum imported from another package is a property load at run time (timing's test/hot-constants.test.ts
 * checks the value).
 */
export const enum ProfilerHot {
  BranchTaken = 2,
  /** InsnClass.Branch (core insn-class.ts). */
  ClassBranch = 15,
}
const MAX_DEPTH = 4096;
const FRAME_CALL = 0;
const FRAME_EXCEPTION = 1;
const TAG_INDIRECT_IN_HANDLER = 1;
const TAG_HANDLER_CHILD = 2;
/** Exception nesting levels tracked for preemption (the NVIC has 16 priority levels; more only by a misread). */
const MAX_LEVELS = 64;

export interface FunctionProfile {
  name: string;
  address: number;
  /** Cycles spent in the function's own instructions. */
  exclusive: number;
  /**
   * Cycles from entry to return, callees included (outermost activation only, so recursion is not double
   * counted), less the time interrupts that preempted it ran: main's loop is not charged the audio interrupt.
   */
  inclusive: number;
  calls: number;
}

/** A completed activation the bench cares about: an exception handler run or a watched function call. */
export type CompletionListener = (cycles: number, id: number) => void;

/**
 * Keeps a shadow call stack and charges cycles to the function they were spent in (exclusive) and to
 * every function on the stack (inclusive). Calls are BL/BLX, returns a taken indirect branch to the
 * address a call pushed; exception entry and return push and pop exception frames.
 *
 * It is the core's FlowObserver: told only of taken branches, exceptions and (while it asks) the first
 * instruction of a handler, never of straight-line code. The cycles between two of those events belong
 * to the function running in between, so they are charged when the next event comes ("settled"), read
 * from `work`: the cycles of instructions and exception entry/exit so far, sleep excluded. The call
 * stack also names where a rule fired.
 */
export class Profiler implements FlowObserver {
  /** Work cycles up to which `exclusive` is settled (see settle). */
  private mark = 0;
  /**
   * Where the totals start (resetTotals): a frame open since before it adds to the totals only what it ran
   * after it, while the listeners still get its whole duration (an interrupt running when a bench starts
   * measuring is timed in full, so a deadline it misses is seen).
   */
  private totalsSince = 0;
  /** Asks the core for every instruction: the first one of a handler (or of the run) names its frame. */
  attention = true;
  private readonly functionIds = new Map<ElfSymbol | undefined, number>();
  private readonly functions: FunctionProfile[] = [];
  private exclusive = new Float64Array(64);
  private inclusive = new Float64Array(64);
  private calls = new Float64Array(64);
  private activeCount = new Int32Array(64);

  private readonly frameFn = new Int32Array(MAX_DEPTH);
  private readonly frameKind = new Uint8Array(MAX_DEPTH);
  private readonly frameReturn = new Float64Array(MAX_DEPTH);
  private readonly frameStart = new Float64Array(MAX_DEPTH);
  private readonly frameException = new Int32Array(MAX_DEPTH);
  /**
   * The function the frame's call entered and when: a tail call (B.W f in place of BL f; return) hands
   * the frame to another function, but the activation its caller sees lasts until the frame returns, so
   * completion listeners and the callee tallies are told of the function called, for the whole time.
   */
  private readonly frameActivationFn = new Int32Array(MAX_DEPTH);
  private readonly frameActivationStart = new Float64Array(MAX_DEPTH);
  /**
   * Preemption, so that a function's inclusive cycles leave out the interrupts that ran on top of it:
   * `preempted[k]` is the work, so far, of exception activations entered while code at nesting level k ran
   * (a handler's body runs one level above what it preempted; thread mode is level 0). It only grows, so
   * what preempted a frame between two moments is the difference of two readings at its level, taken when
   * the frame opened (framePreempted, frameActivationPreempted) and at the totals' start (preemptedAtReset).
   */
  private readonly preempted = new Float64Array(MAX_LEVELS);
  private readonly preemptedAtReset = new Float64Array(MAX_LEVELS);
  private readonly frameLevel = new Uint8Array(MAX_DEPTH);
  private readonly framePreempted = new Float64Array(MAX_DEPTH);
  private readonly frameActivationPreempted = new Float64Array(MAX_DEPTH);
  /** The exception nesting level of the code running now. */
  private level = 0;
  private depth = 0;
  private currentFn: number;
  private pendingException = false;
  private rootPending = true;
  private readonly entryExitFn: number;

  private readonly exceptionListeners = new Map<number, CompletionListener[]>();
  private readonly functionListeners = new Map<number, CompletionListener[]>();
  /** Told the exception number of each handler as its first instruction retires (the board stops on faults). */
  onExceptionEntry: ((exceptionNumber: number) => void) | null = null;
  /** Indirect calls (BLX register) made from inside an exception handler: callee id → inclusive cycles. */
  readonly indirectCallees = new Map<number, number>();
  /** For those callees: how many calls, and the deepest nesting of indirect calls they were reached at. */
  readonly indirectCalleeCalls = new Map<number, number>();
  readonly indirectCalleeDepth = new Map<number, number>();
  /** For those callees: the functions of the indirect calls they were made inside (-1: none, the handler's own). */
  readonly indirectCalleeParents = new Map<number, Set<number>>();
  /** For those callees: the exception numbers of the handlers they were called under. */
  readonly indirectCalleeExceptions = new Map<number, Set<number>>();
  /** Functions called directly by an exception handler's own code: callee id → inclusive cycles. */
  readonly handlerCallees = new Map<number, number>();
  private readonly frameTag = new Uint8Array(MAX_DEPTH);
  /** Entry addresses of the image's functions, to recognise tail calls. */
  private readonly functionStarts: Set<number>;
  /** The last branch target found not to be a function's entry (a loop's back edge, typically). */
  private lastPlainTarget = -1;

  /**
   * `work()`: cycles charged so far for instructions and exception entry/exit, sleep excluded (the board
   * gives clock cycles less the cycles skipped asleep); only differences between two readings matter.
   */
  constructor(
    private readonly work: () => number,
    private readonly state: CpuState,
    private readonly symbols: SymbolTable,
  ) {
    this.functionStarts = new Set(symbols.sizedSymbols.filter((f) => f.kind === 'function').map((f) => f.address));
    this.currentFn = this.idForAddress(state.r[15]);
    this.entryExitFn = this.idForPseudo('[exception entry/exit]');
    // Sleep is not charged to functions (the timing model counts it); the entry keeps function ids stable.
    this.idForPseudo('[sleep]');
    this.frameFn[0] = this.currentFn;
    this.mark = work();
  }

  /** Work cycles so far, with everything since the last event charged to the running function. */
  private settle(): number {
    const now = this.work();
    this.exclusive[this.currentFn] += now - this.mark;
    this.mark = now;
    return now;
  }

  /** Lowest address the stack may reach (end of the static data below it); 0 disables the check. */
  stackLimit = 0;
  /** Told when SP is found below `stackLimit` at a call or an exception entry. */
  onStackBelowLimit: ((sp: number) => void) | null = null;

  /** Functions whose calls from inside an exception handler are reported: entry address → why. */
  private readonly handlerWatch = new Map<number, string>();
  /** Told when a watched function is called (or tail-called) while an exception handler is on the stack. */
  onWatchedCallInHandler: ((callee: number, reason: string, exceptionNumber: number) => void) | null = null;

  /** Watches calls of the functions at `entries` made from exception handlers (see onWatchedCallInHandler). */
  watchCallsInHandlers(entries: readonly { address: number; reason: string }[]): void {
    for (const e of entries) this.handlerWatch.set((e.address & ~1) >>> 0, e.reason);
  }

  /**
   * A taken branch, or any instruction while `attention` is set (its cycles are on the clock). Kept small
   * so the JIT inlines it into the run loop: a loop's back edge (a branch to the target last found not to
   * be a function entry) ends here.
   */
  retired(pc: number, info: TimingInfo, outcome: number): void {
    if (!this.attention && (info.cls as number) === ProfilerHot.ClassBranch && this.state.r[15] === this.lastPlainTarget) return;
    this.followFlow(pc, info, outcome);
  }

  private followFlow(pc: number, info: TimingInfo, outcome: number): void {
    if (this.pendingException) this.resolveException(pc);
    else if (this.rootPending) this.resolveRoot(pc);
    if ((outcome & ProfilerHot.BranchTaken) === 0) return;
    // Only a call, a return or a tail call changes the running function, so only they settle.
    const cls = info.cls;
    if (cls === InsnClass.Call || (cls === InsnClass.BranchIndirect && info.writeMask & LR_BIT)) {
      this.settle();
      this.pushCall(pc + info.size, cls === InsnClass.BranchIndirect);
    } else if (cls === InsnClass.Branch) {
      // A branch to the first instruction of another function is a tail call (B.W f in place of BL f; BX LR).
      const target = this.state.r[15];
      if (target !== this.lastPlainTarget && this.depth > 0 && this.frameKind[this.depth] === FRAME_CALL) {
        if (this.functionStarts.has(target)) {
          this.settle();
          this.tailCall(target);
        } else {
          this.lastPlainTarget = target;
        }
      }
    } else if (this.depth > 0 && this.frameKind[this.depth] === FRAME_CALL) {
      const target = (this.state.r[15] & ~1) >>> 0;
      if (target === this.frameReturn[this.depth]) {
        this.settle();
        this.pop();
      } else if (this.functionStarts.has(target)) {
        // An indirect jump to another function's entry (BX r3 through a function pointer, as GCC ends
        // HAL_SAI_RxCpltCallback in libDaisy) is a tail call too.
        this.settle();
        this.tailCall(target);
      }
    }
  }

  /** An exception entry, return or tail-chain costing `cycles`, not yet on the clock. */
  exception(kind: 'entry' | 'return' | 'tail-chain', cycles: number): void {
    this.settle();
    if (kind === 'return' || kind === 'tail-chain') {
      while (this.depth > 0 && this.frameKind[this.depth] !== FRAME_EXCEPTION) this.pop();
      // Entry and exit cycles are their own pseudo-function's, and inside the handler's frame.
      this.chargeEntryExit(cycles);
      if (this.depth > 0) this.pop();
      if (kind === 'tail-chain') this.pushException();
    } else {
      this.pushException();
      this.chargeEntryExit(cycles);
    }
  }

  private chargeEntryExit(cycles: number): void {
    this.exclusive[this.entryExitFn] += cycles;
    this.mark += cycles;
  }

  /** Calls `listener(cycles)` each time a handler of exception number `exceptionNumber` returns. */
  onExceptionComplete(exceptionNumber: number, listener: CompletionListener): void {
    const list = this.exceptionListeners.get(exceptionNumber) ?? [];
    list.push(listener);
    this.exceptionListeners.set(exceptionNumber, list);
  }

  /** Calls `listener()` as the function `symbol` is entered by a call or a tail call (its arguments in r0–r3). */
  onFunctionEntry(symbol: ElfSymbol, listener: () => void): void {
    const id = this.idForSymbol(symbol);
    const list = this.entryListeners.get(id) ?? [];
    list.push(listener);
    this.entryListeners.set(id, list);
  }

  private readonly entryListeners = new Map<number, (() => void)[]>();

  private tellEntry(fn: number): void {
    const listeners = this.entryListeners.get(fn);
    if (listeners !== undefined) for (const l of listeners) l();
  }

  /** Calls `listener(cycles)` each time the function `symbol` returns (outermost activation). */
  onFunctionComplete(symbol: ElfSymbol, listener: CompletionListener): void {
    const id = this.idForSymbol(symbol);
    const list = this.functionListeners.get(id) ?? [];
    list.push(listener);
    this.functionListeners.set(id, list);
  }

  functionName(id: number): string {
    return this.functions[id]?.name ?? '?';
  }

  symbolOf(id: number): ElfSymbol | undefined {
    for (const [symbol, fid] of this.functionIds) if (fid === id) return symbol;
    return undefined;
  }

  /** Function names from the innermost frame out, with exception frames marked. */
  callStack(): string[] {
    const names: string[] = [];
    for (let d = this.depth; d >= 0; d--) {
      const name = this.functions[this.frameFn[d]].name;
      names.push(this.frameKind[d] === FRAME_EXCEPTION && d > 0 ? `${name} (exception ${this.frameException[d]})` : name);
    }
    return names;
  }

  /** Per-function totals so far (copies). */
  profile(): FunctionProfile[] {
    this.settle();
    return this.functions.map((f, id) => {
      // Exception entry and exit are never a frame of their own: all their cycles are their own.
      const inclusive = id === this.entryExitFn ? this.exclusive[id] : this.inclusive[id] + this.openInclusive(id);
      return { ...f, exclusive: this.exclusive[id], inclusive, calls: this.calls[id] };
    });
  }

  /** Clears the totals (the call stack stays). */
  resetTotals(): void {
    const now = this.settle();
    this.exclusive.fill(0);
    this.inclusive.fill(0);
    this.calls.fill(0);
    this.totalsSince = now;
    this.preemptedAtReset.set(this.preempted);
    // An interrupt open now adds its whole duration to its level's counter when it returns; the part it
    // ran before now preempted nothing the totals count, so it is counted as already there.
    for (let d = 1; d <= this.depth; d++) {
      if (this.frameKind[d] === FRAME_EXCEPTION) this.preemptedAtReset[this.frameLevel[d] - 1] += now - this.frameStart[d];
    }
    this.indirectCallees.clear();
    this.indirectCalleeCalls.clear();
    this.indirectCalleeDepth.clear();
    this.indirectCalleeParents.clear();
    this.indirectCalleeExceptions.clear();
    this.handlerCallees.clear();
  }

  private openInclusive(id: number): number {
    for (let d = 0; d <= this.depth; d++) if (this.frameFn[d] === id) return this.countedSince(this.frameStart[d], this.framePreempted[d], this.frameLevel[d]);
    return 0;
  }

  /**
   * What the totals get of an activation at nesting `level` that began at work `start`, with its level's
   * preemption counter then at `preemptedAtStart`: the cycles since then, or since the totals' start if
   * later, less what interrupts preempting it ran in that time.
   */
  private countedSince(start: number, preemptedAtStart: number, level: number): number {
    const since = Math.max(start, this.totalsSince);
    const preemptedSince = this.preempted[level] - Math.max(preemptedAtStart, this.preemptedAtReset[level]);
    return this.mark - since - preemptedSince;
  }

  private checkStack(): void {
    const sp = this.state.r[13];
    if (sp < this.stackLimit && this.onStackBelowLimit !== null) this.onStackBelowLimit(sp);
  }

  private pushCall(returnAddress: number, indirect: boolean): void {
    this.checkStack();
    const parentIsHandler = this.depth > 0 && this.frameKind[this.depth] === FRAME_EXCEPTION;
    const d = this.push(FRAME_CALL, this.idForAddress(this.state.r[15]));
    if (this.handlerWatch.size !== 0) this.checkWatchedCall(this.state.r[15]);
    if (this.entryListeners.size !== 0) this.tellEntry(this.frameFn[d]);
    this.frameReturn[d] = (returnAddress & ~1) >>> 0;
    this.frameException[d] = 0;
    const indirectInHandler = indirect && this.enclosingException() !== 0;
    this.frameTag[d] = (indirectInHandler ? TAG_INDIRECT_IN_HANDLER : 0) | (parentIsHandler ? TAG_HANDLER_CHILD : 0);
    if (indirectInHandler) {
      const fn = this.frameFn[d];
      this.indirectCalleeCalls.set(fn, (this.indirectCalleeCalls.get(fn) ?? 0) + 1);
      this.indirectCalleeDepth.set(fn, Math.max(this.indirectCalleeDepth.get(fn) ?? 0, this.indirectDepth()));
      const parents = this.indirectCalleeParents.get(fn) ?? new Set<number>();
      parents.add(this.indirectParent());
      this.indirectCalleeParents.set(fn, parents);
      const exceptions = this.indirectCalleeExceptions.get(fn) ?? new Set<number>();
      exceptions.add(this.enclosingException());
      this.indirectCalleeExceptions.set(fn, exceptions);
    }
  }

  /** Replaces the current call frame's function, keeping its return address (the callee returns for it). */
  private tailCall(target: number): void {
    const d = this.depth;
    const returnAddress = this.frameReturn[d];
    const tag = this.frameTag[d];
    const activationFn = this.frameActivationFn[d];
    const activationStart = this.frameActivationStart[d];
    const activationPreempted = this.frameActivationPreempted[d];
    // Checked before the frame changes hands: a watched function tail-calling another is one report.
    if (this.handlerWatch.size !== 0) this.checkWatchedCall(target);
    this.pop(true);
    const nd = this.push(FRAME_CALL, this.idForAddress(target));
    this.frameReturn[nd] = returnAddress;
    this.frameException[nd] = 0;
    this.frameTag[nd] = tag;
    this.frameActivationFn[nd] = activationFn;
    this.frameActivationStart[nd] = activationStart;
    this.frameActivationPreempted[nd] = activationPreempted;
    if (this.entryListeners.size !== 0) this.tellEntry(this.frameFn[nd]);
  }

  private pushException(): void {
    if (this.level + 1 < MAX_LEVELS) this.level++;
    const d = this.push(FRAME_EXCEPTION, this.entryExitFn);
    this.frameException[d] = 0;
    this.frameTag[d] = 0;
    this.pendingException = true;
    this.attention = true;
  }

  private resolveException(pc: number): void {
    this.pendingException = false;
    this.attention = false;
    this.checkStack();
    const d = this.depth;
    const fn = this.idForAddress(pc);
    this.frameFn[d] = fn;
    this.frameException[d] = this.state.ipsr;
    this.activeCount[fn]++;
    this.calls[fn]++;
    this.currentFn = fn;
    this.onExceptionEntry?.(this.state.ipsr);
  }

  /** The first instruction names the code running at reset (Reset_Handler), the bottom of every stack. */
  private resolveRoot(pc: number): void {
    this.rootPending = false;
    this.attention = false;
    if (this.depth !== 0) return;
    this.currentFn = this.idForAddress(pc);
    this.frameFn[0] = this.currentFn;
  }

  /** Indirect-call frames between the top of the stack and the nearest exception frame. */
  private indirectDepth(): number {
    let n = 0;
    for (let d = this.depth; d > 0 && this.frameKind[d] !== FRAME_EXCEPTION; d--) if (this.frameTag[d] & TAG_INDIRECT_IN_HANDLER) n++;
    return n;
  }

  /** The exception number of the innermost exception frame below the top frame, or 0 (thread code). */
  private enclosingException(): number {
    for (let d = this.depth - 1; d > 0; d--) if (this.frameKind[d] === FRAME_EXCEPTION) return this.frameException[d];
    return 0;
  }

  /** The function of the nearest indirect call below the top frame and above the nearest exception frame, or -1. */
  private indirectParent(): number {
    for (let d = this.depth - 1; d > 0 && this.frameKind[d] !== FRAME_EXCEPTION; d--) if (this.frameTag[d] & TAG_INDIRECT_IN_HANDLER) return this.frameActivationFn[d];
    return -1;
  }

  private checkWatchedCall(target: number): void {
    const callee = (target & ~1) >>> 0;
    const reason = this.handlerWatch.get(callee);
    if (reason === undefined || this.onWatchedCallInHandler === null) return;
    // A watched function calling another (malloc → _malloc_r) was reported at the outer call.
    for (let d = this.depth; d > 0 && this.frameKind[d] === FRAME_CALL; d--) {
      const fn = this.functions[this.frameFn[d]];
      if (fn.address !== callee && this.handlerWatch.has(fn.address)) return;
    }
    for (let d = this.depth; d > 0; d--) {
      if (this.frameKind[d] === FRAME_EXCEPTION) {
        this.onWatchedCallInHandler(callee, reason, this.frameException[d]);
        return;
      }
    }
  }

  private push(kind: number, fn: number): number {
    if (this.depth + 1 >= MAX_DEPTH) {
      // A runaway recursion or a call pattern we misread: drop the oldest half rather than grow without bound.
      this.frameFn.copyWithin(1, MAX_DEPTH / 2);
      this.frameKind.copyWithin(1, MAX_DEPTH / 2);
      this.frameReturn.copyWithin(1, MAX_DEPTH / 2);
      this.frameStart.copyWithin(1, MAX_DEPTH / 2);
      this.frameException.copyWithin(1, MAX_DEPTH / 2);
      this.frameTag.copyWithin(1, MAX_DEPTH / 2);
      this.frameActivationFn.copyWithin(1, MAX_DEPTH / 2);
      this.frameActivationStart.copyWithin(1, MAX_DEPTH / 2);
      this.frameLevel.copyWithin(1, MAX_DEPTH / 2);
      this.framePreempted.copyWithin(1, MAX_DEPTH / 2);
      this.frameActivationPreempted.copyWithin(1, MAX_DEPTH / 2);
      this.depth -= MAX_DEPTH / 2 - 1;
    }
    const d = ++this.depth;
    this.frameKind[d] = kind;
    this.frameFn[d] = fn;
    this.frameStart[d] = this.mark;
    this.frameActivationFn[d] = fn;
    this.frameActivationStart[d] = this.mark;
    this.frameLevel[d] = this.level;
    this.framePreempted[d] = this.preempted[this.level];
    this.frameActivationPreempted[d] = this.preempted[this.level];
    if (kind === FRAME_CALL) {
      this.activeCount[fn]++;
      this.calls[fn]++;
    }
    this.currentFn = fn;
    return d;
  }

  /** Pops the top frame; `forTailCall` when its function hands the frame on (the activation goes on). */
  private pop(forTailCall = false): void {
    const d = this.depth;
    const fn = this.frameFn[d];
    const cycles = this.mark - this.frameStart[d];
    const level = this.frameLevel[d];
    // What the totals get: the part after resetTotals (all of it for a frame opened since), preemption out.
    const counted = this.countedSince(this.frameStart[d], this.framePreempted[d], level);
    const outermost = --this.activeCount[fn] <= 0;
    if (outermost) this.activeCount[fn] = 0;
    if (this.frameKind[d] === FRAME_EXCEPTION) {
      if (outermost) this.inclusive[fn] += counted;
      // The whole activation, nested interrupts included, preempted the level below.
      this.preempted[level - 1] += cycles;
      this.level = level - 1;
      const listeners = this.exceptionListeners.get(this.frameException[d]);
      if (listeners) for (const l of listeners) l(cycles, fn);
    } else if (!forTailCall) {
      // (A function that tail-called is counted when its activation ends, below.)
      if (outermost) this.inclusive[fn] += counted;
      const called = this.frameActivationFn[d];
      const activation = this.mark - this.frameActivationStart[d];
      if (called !== fn && this.activeCount[called] === 0) this.inclusive[called] += this.countedSince(this.frameActivationStart[d], this.frameActivationPreempted[d], level);
      const listeners = this.functionListeners.get(called);
      if (listeners && this.activeCount[called] === 0) for (const l of listeners) l(activation, called);
      const tag = this.frameTag[d];
      if (tag & TAG_INDIRECT_IN_HANDLER) this.indirectCallees.set(called, (this.indirectCallees.get(called) ?? 0) + activation);
      if (tag & TAG_HANDLER_CHILD) this.handlerCallees.set(called, (this.handlerCallees.get(called) ?? 0) + activation);
    }
    this.depth = d - 1;
    this.currentFn = this.frameFn[this.depth];
  }

  private idForAddress(address: number): number {
    return this.idForSymbol(this.symbols.lookup((address & ~1) >>> 0));
  }

  private idForSymbol(symbol: ElfSymbol | undefined): number {
    let id = this.functionIds.get(symbol);
    if (id === undefined) {
      id = this.addFunction(symbol ? symbol.name : '[unknown code]', symbol ? symbol.address : 0);
      this.functionIds.set(symbol, id);
    }
    return id;
  }

  private idForPseudo(name: string): number {
    return this.addFunction(name, 0);
  }

  private addFunction(name: string, address: number): number {
    const id = this.functions.length;
    this.functions.push({ name, address, exclusive: 0, inclusive: 0, calls: 0 });
    if (id >= this.exclusive.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.exclusive = grow(this.exclusive);
      this.inclusive = grow(this.inclusive);
      this.calls = grow(this.calls);
      const active = new Int32Array(this.activeCount.length * 2);
      active.set(this.activeCount);
      this.activeCount = active;
    }
    return id;
  }
}
