/**
 * A fake instruction stream for driving a CycleModel without the CPU: TimingInfo records built by hand
 * (what decode would attach), data accesses and outcomes, in program order.
 */
import { InsnClass, Outcome, TimingFlag, type CycleModel, type TimingInfo } from '@seedsim/core';

export interface Step {
  pc: number;
  info: TimingInfo;
  outcome?: number;
  accesses?: [address: number, bytes: number, isWrite: boolean][];
}

export function regs(...r: number[]): number {
  return r.reduce((m, x) => m | (1 << x), 0);
}

export function insn(
  cls: InsnClass,
  fields: Partial<Omit<TimingInfo, 'cls'>> & { reads?: number[]; writes?: number[]; fpReads?: number[]; fpWrites?: number[] } = {},
): TimingInfo {
  const { reads = [], writes = [], fpReads = [], fpWrites = [], ...rest } = fields;
  return {
    cls,
    size: 4,
    readMask: regs(...reads),
    writeMask: regs(...writes),
    transferCount: 0,
    fpReadMask: regs(...fpReads),
    fpWriteMask: regs(...fpWrites),
    earlyMask: 0,
    lateMask: 0,
    flags: 0,
    ...rest,
  };
}

/** Runs the steps; returns the cycles retire() charged to each. */
export function run(model: CycleModel, steps: Step[]): number[] {
  const out: number[] = [];
  for (const s of steps) {
    for (const [a, b, w] of s.accesses ?? []) model.dataAccess(a, b, w);
    out.push(model.retire(s.pc, s.info, s.outcome ?? Outcome.Executed));
  }
  return out;
}

/** Lays `infos` out from `base` (ITCM by default: fetch is free there) as a straight-line program. */
export function straight(infos: TimingInfo[], base = 0x100): Step[] {
  let pc = base;
  return infos.map((info) => {
    const s = { pc, info };
    pc += info.size;
    return s;
  });
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const repeat = <T>(n: number, f: (i: number) => T[]): T[] => Array.from({ length: n }, (_, i) => f(i)).flat();
export const SETS_FLAGS = TimingFlag.SetsFlags;
export const CONDITIONAL = TimingFlag.Conditional;
