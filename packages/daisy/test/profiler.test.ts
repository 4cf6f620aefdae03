/**
 * The profiler's shadow call stack on a hand-driven instruction stream (each instruction costs 1 cycle):
 * calls, returns and a tail call (B.W to another function's first instruction in place of BL; return).
 */
import { describe, expect, it } from 'vitest';
import { CpuState, InsnClass, type TimingInfo } from '@seedsim/core';
import { SymbolTable, type ElfSymbol } from '@seedsim/elf';
import { Profiler } from '../src/profiler.js';

const fn = (name: string, address: number): ElfSymbol => ({ name, address, size: 0x100, kind: 'function', local: false, section: '.text' });
const MAIN = 0x1000;
const CALLBACK = 0x2000;
const HELPER = 0x3000;
const DSP = 0x4000;
const TIMER_ISR = 0x5000;
const symbols = new SymbolTable([fn('main', MAIN), fn('callback', CALLBACK), fn('helper', HELPER), fn('dsp', DSP), fn('timer_isr', TIMER_ISR)]);

const BRANCH_TAKEN = 3; // Outcome.Executed | Outcome.BranchTaken
const ENTRY_CYCLES = 12;

/**
 * The core's side, as the run loop drives a FlowObserver: each instruction costs one cycle of work and
 * the profiler is told only of taken branches and, while it asks (`attention`), of every instruction.
 */
function rig() {
  const state = new CpuState();
  state.r[15] = MAIN;
  let work = 0;
  const profiler = new Profiler(() => work, state, symbols);
  let pc = MAIN;
  /** Retires one instruction at pc; a branch leaves the core at `to` (r[15] as the run loop sets it). */
  const step = (cls: InsnClass = InsnClass.Alu, to?: number, writesLr = false) => {
    const info: TimingInfo = { cls, size: 4, readMask: 0, writeMask: writesLr ? 1 << 14 : 0, transferCount: 0 };
    const next = to ?? pc + 4;
    state.r[15] = next;
    work += 1;
    const outcome = to === undefined ? 1 : BRANCH_TAKEN;
    if (outcome === BRANCH_TAKEN || profiler.attention) profiler.retired(pc, info, outcome);
    pc = next;
  };
  /** An exception entry as the exception model reports it: told first, then its cycles go on the clock. */
  const enter = () => {
    profiler.exception('entry', ENTRY_CYCLES);
    work += ENTRY_CYCLES;
  };
  /** An exception return (or tail chain) costing `cycles`: told first, then its cycles go on the clock. */
  const leave = (cycles: number) => {
    profiler.exception('return', cycles);
    work += cycles;
  };
  return { profiler, step, state, enter, leave, at: (address: number) => (pc = address) };
}

describe('Profiler call stack', () => {
  it("a call and its return: the listener gets the callee's cycles", () => {
    const { profiler, step } = rig();
    const seen: number[] = [];
    profiler.onFunctionComplete(symbols.get('callback')!, (c) => seen.push(c));
    step(); // main
    step(InsnClass.Call, CALLBACK, true); // BL callback (its cycle is main's)
    step();
    step();
    step(InsnClass.BranchIndirect, MAIN + 8); // BX LR back to after the BL
    expect(seen).toEqual([3]);
    const cb = profiler.profile().find((f) => f.name === 'callback')!;
    expect([cb.exclusive, cb.inclusive, cb.calls]).toEqual([3, 3, 1]);
  });

  it('a tail call: the called function completes when the frame returns, its tail callee included', () => {
    const { profiler, step } = rig();
    const seen: number[] = [];
    profiler.onFunctionComplete(symbols.get('callback')!, (c) => seen.push(c));
    step(InsnClass.Call, CALLBACK, true); // BL callback
    step();
    step(InsnClass.Branch, HELPER); // B helper: tail call (callback's 2nd instruction)
    for (let i = 0; i < 5; i++) step();
    step(InsnClass.BranchIndirect, MAIN + 4); // helper's BX LR returns to main for both
    // callback: 2 instructions; helper: 5 + the return = 6; the activation main sees: 8.
    expect(seen).toEqual([8]);
    const byName = new Map(profiler.profile().map((f) => [f.name, f]));
    expect(byName.get('callback')!.exclusive).toBe(2);
    expect(byName.get('callback')!.inclusive).toBe(8);
    expect(byName.get('helper')!.exclusive).toBe(6);
    expect(byName.get('helper')!.inclusive).toBe(6);
    expect(profiler.callStack()).toEqual(['main']);
  });

  it('an indirect tail call (BX r3 to another function, through a function pointer) is a tail call too', () => {
    const { profiler, step } = rig();
    step(InsnClass.Call, CALLBACK, true); // BL callback
    step();
    step(InsnClass.BranchIndirect, HELPER); // BX r3 = helper: callback ends, helper takes its frame
    for (let i = 0; i < 3; i++) step();
    expect(profiler.callStack()).toEqual(['helper', 'main']);
    step(InsnClass.BranchIndirect, MAIN + 4); // helper's BX LR returns to main
    const byName = new Map(profiler.profile().map((f) => [f.name, f]));
    expect(byName.get('callback')!.exclusive).toBe(2);
    expect(byName.get('helper')!.exclusive).toBe(4);
    expect(profiler.callStack()).toEqual(['main']);
  });

  it('an indirect jump inside a function (a jump table) is not a call', () => {
    const { profiler, step } = rig();
    step(InsnClass.Call, CALLBACK, true);
    step(InsnClass.BranchIndirect, CALLBACK + 0x40); // BX r3 into its own body
    step();
    expect(profiler.callStack()).toEqual(['callback', 'main']);
  });

  it('reports a watched function called from inside an exception handler, not from thread code', () => {
    const { profiler, step, state, enter, at } = rig();
    const seen: [number, string, number][] = [];
    profiler.watchCallsInHandlers([{ address: HELPER, reason: 'heap' }, { address: MAIN, reason: 'wait' }]);
    profiler.onWatchedCallInHandler = (callee, reason, exceptionNumber) => seen.push([callee, reason, exceptionNumber]);
    step(InsnClass.Call, HELPER, true); // main calls helper: thread mode, not reported
    step(InsnClass.BranchIndirect, MAIN + 4);
    expect(seen).toEqual([]);
    state.ipsr = 27; // DMA1_Stream0: exception 16 + 11
    enter();
    at(CALLBACK);
    step(); // the handler's first instruction names the frame
    step(InsnClass.Call, HELPER, true);
    expect(seen).toEqual([[HELPER, 'heap', 27]]);
    // A watched function calling another watched one (malloc → _malloc_r) is one report, not two,
    // whether it calls or tail-calls it (newlib-nano's malloc ends in `b.w _malloc_r`).
    step(InsnClass.Call, MAIN, true);
    expect(seen).toEqual([[HELPER, 'heap', 27]]);
    step(InsnClass.BranchIndirect, HELPER + 4); // back in HELPER
    step(InsnClass.Branch, MAIN); // HELPER tail-calls MAIN
    expect(seen).toEqual([[HELPER, 'heap', 27]]);
    expect(profiler.callStack()[0]).toBe('main');
  });

  it('an interrupt open when the totals are reset is timed in full for its listeners, and counted in the totals only after', () => {
    const { profiler, step, state, enter, at } = rig();
    const durations: number[] = [];
    profiler.onExceptionComplete(27, (cycles) => durations.push(cycles));
    step(); // main
    state.ipsr = 27;
    enter(); // 12 cycles of entry
    at(CALLBACK);
    for (let i = 0; i < 3; i++) step();
    profiler.resetTotals(); // bench starts measuring here, inside the interrupt
    for (let i = 0; i < 2; i++) step();
    profiler.exception('return', 10);
    state.ipsr = 0;
    // The listener (bench's interrupt times, the deadline check) sees all of it: 12 + 3 + 2 + 10.
    expect(durations).toEqual([27]);
    // The totals count what ran after the reset: 2 instructions and the 10 cycles of exit.
    const callback = profiler.profile().find((f) => f.name === 'callback')!;
    expect(callback.inclusive).toBe(12);
  });
  it('leaves the interrupts that preempted a function out of its inclusive cycles, at every nesting level', () => {
    const { profiler, step, state, enter, leave, at } = rig();
    const irqDurations: number[] = [];
    profiler.onExceptionComplete(27, (cycles) => irqDurations.push(cycles));
    step(InsnClass.Call, HELPER, true); // main: BL helper (1)
    step(); // helper: 1
    state.ipsr = 27; // an interrupt preempts helper
    enter(); // 12
    at(CALLBACK);
    step(InsnClass.Call, DSP, true); // its handler (callback) calls dsp: 1
    step(); // dsp: 1
    state.ipsr = 28; // a higher-priority interrupt preempts dsp
    enter(); // 12
    at(TIMER_ISR);
    for (let i = 0; i < 4; i++) step(); // timer_isr: 4
    leave(10);
    state.ipsr = 27;
    at(DSP + 4);
    step(InsnClass.BranchIndirect, CALLBACK + 4); // dsp returns (1)
    step(); // callback: 1
    leave(10);
    state.ipsr = 0;
    at(HELPER + 4);
    step(); // helper: 1
    step(InsnClass.BranchIndirect, MAIN + 4); // helper returns (1)
    // timer_isr: 12 + 4 + 10 = 26. The outer interrupt: 12 + callback 1 + dsp 1 + 26 + dsp 1 + callback 1 + 10 = 52.
    // Its listener gets its whole duration, the nested interrupt included, as DWT read in the handler would.
    expect(irqDurations).toEqual([52]);
    const inclusive = new Map(profiler.profile().map((f) => [f.name, f.inclusive]));
    expect(inclusive.get('timer_isr')).toBe(26);
    expect(inclusive.get('dsp')).toBe(2); // 26 of its 28 were timer_isr's
    expect(inclusive.get('callback')).toBe(52 - 26);
    expect(inclusive.get('helper')).toBe(3); // the outer interrupt's 52 are not helper's
    expect(inclusive.get('main')).toBe(1 + 3); // its BL and helper: 56 cycles in all, 52 of them the interrupt's
  });

  it('an interrupt open when the totals are reset takes from the function it preempted only what it ran after', () => {
    const { profiler, step, state, enter, leave, at } = rig();
    step(InsnClass.Call, HELPER, true); // main: BL helper
    step(); // helper: 1
    state.ipsr = 27;
    enter(); // 12
    at(CALLBACK);
    for (let i = 0; i < 3; i++) step(); // the handler: 3 before the reset
    profiler.resetTotals();
    for (let i = 0; i < 2; i++) step(); // 2 after it
    leave(10);
    state.ipsr = 0;
    at(HELPER + 4);
    for (let i = 0; i < 4; i++) step(); // helper: 4 more
    step(InsnClass.BranchIndirect, MAIN + 4); // helper returns (1)
    const inclusive = new Map(profiler.profile().map((f) => [f.name, f.inclusive]));
    // After the reset: the handler's 2 + 10 (its own), helper's 4 + 1; the interrupt's 12 pre-reset cycles
    // of entry and 3 of handler are no more taken from helper than they were counted for it.
    expect(inclusive.get('callback')).toBe(12);
    expect(inclusive.get('helper')).toBe(5);
    expect(inclusive.get('main')).toBe(5);
  });
});
