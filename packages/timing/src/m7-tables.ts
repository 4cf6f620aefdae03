/**
 * Cortex-M7 issue and latency rules as data, one row per InsnClass (hw-facts §1.2–§1.5).
 * Sources: JNK = jnk0le "pipeline cycle test" cortex_m7.md (measured, STM32H743); LLVM-M7 =
 * ARMScheduleM7.td; LLVM-MUT = ARMLatencyMutations.cpp CortexM7Overrides; QUIN = quinapalus cm7cycles.
 *
 * Latencies are issue-to-issue distances: a consumer reading a register produced by class P can issue
 * no earlier than (producer's completion cycle + LATENCY[kind][P]), where `kind` says in which stage the
 * consumer reads that operand. 1 = the next cycle; 0 = the same cycle (it may dual-issue with it).
 */
import { INSN_CLASS_COUNT, InsnClass as C } from '@seedsim/core';

const N = INSN_CLASS_COUNT;

/** How an instruction may be placed in an issue pair. */
export const enum IssueKind {
  /** Either slot. */
  Any = 0,
  /** Only the older slot (must start a group): LLVM-M7 slot-0 list; JNK "must be placed in older op". */
  OlderOnly = 1,
  /** Never pairs (LLVM-M7 single-issue list; JNK LDM/STM/VLDR.D). */
  Single = 2,
}

function table(fill: number, rows: [C[], number][]): Int8Array {
  const t = new Int8Array(N).fill(fill);
  for (const [classes, v] of rows) for (const c of classes) t[c] = v;
  return t;
}

export const ISSUE_KIND = table(IssueKind.Any, [
  // JNK "bitfield and DSP ... must be placed in older op"; LLVM-M7 slot 0: CLZ, BFI, SIMD/DSP, LDREX, FP64.
  [[C.Dsp, C.Exclusive, C.DpAlu, C.DpMul, C.DpMac, C.DpDiv, C.DpSqrt], IssueKind.OlderOnly],
  // JNK "load/store pair/multiple ... cannot dual issue with preceding or following"; "vstr.d, vldr.d can't
  // dual issue with anything"; LLVM-M7 single-issue: DIV, TBB/TBH, MRS/MSR/DMB/DSB/ISB/SVC/BKPT/hints.
  [
    [
      C.Div, C.LoadDouble, C.StoreDouble, C.LoadMultiple, C.StoreMultiple, C.TableBranch, C.System, C.Sleep,
      C.FpLoadDouble, C.FpStoreDouble, C.FpLoadMultiple, C.FpStoreMultiple, C.Undefined,
    ],
    IssueKind.Single,
  ],
]);

const MUL_GROUP = new Set([C.Mul, C.Mac, C.MulLong]);
const STORES = new Set([C.Store, C.FpStore]);
const INT_MEMORY = new Set([C.Load, C.LoadNarrow, C.Store]);
const FP_ARITH = new Set([C.FpAlu, C.FpMul, C.FpFma, C.FpMac, C.FpDiv, C.FpSqrt, C.DpAlu, C.DpMul, C.DpMac, C.DpDiv, C.DpSqrt]);
const FP_MAC = new Set([C.FpFma, C.FpMac]);
const FP_TRANSFER = new Set([C.FpLoad, C.FpStore, C.FpMove]);
const DOUBLE = new Set([C.DpAlu, C.DpMul, C.DpMac, C.DpDiv, C.DpSqrt]);
const FP_ANY = new Set([...FP_ARITH, ...FP_TRANSFER, C.FpLoadDouble, C.FpStoreDouble, C.FpLoadMultiple, C.FpStoreMultiple]);

/** Whether `older` and `younger` can issue in the same cycle (static part; bank conflicts are dynamic). */
export function canPairStatic(older: C, younger: C): boolean {
  if (ISSUE_KIND[older] === IssueKind.Single || ISSUE_KIND[younger] !== IssueKind.Any) return false;
  const both = (s: Set<C>) => s.has(older) && s.has(younger);
  const either = (a: Set<C>, b: Set<C>) => (a.has(older) && b.has(younger)) || (b.has(older) && a.has(younger));
  if (both(MUL_GROUP)) return false; // JNK: single MAC pipe, multiplies never pair
  if (either(MUL_GROUP, STORES)) return false; // JNK: MUL/MAC can't dual issue with stores
  if (both(STORES)) return false; // JNK: two stores never pair (one store pipe, LLVM-M7)
  if (older === C.Dsp && younger === C.AluShift) return false; // JNK: bitfield/DSP vs inline-shifted operand2
  if (both(new Set([C.AluShift]))) return false; // JNK operand2 matrix: one shifted operand per cycle
  if (both(FP_ARITH)) return false; // JNK: FP arithmetic never pairs with FP arithmetic (one VFP pipe)
  if (either(FP_MAC, FP_TRANSFER)) return false; // JNK: VFMA/VMLA can't pair with VLDR/VSTR/VMOV
  if (older === C.FpMove && younger === C.FpMove) return false; // JNK: two VMOV #imm never pair
  if (DOUBLE.has(older) && FP_ANY.has(younger)) return false; // JNK: FP64 pairs with integer instructions only
  if (older === C.DpMac && INT_MEMORY.has(younger)) return false; // JNK: DP FMA can't pair with int loads/stores
  return true;
}

export const PAIR_OK = new Uint8Array(N * N);
for (let o = 0; o < N; o++) for (let y = 0; y < N; y++) PAIR_OK[o * N + y] = canPairStatic(o as C, y as C) ? 1 : 0;

/** Loads that use one of the two D-side load ports (dual-issue only to different DTCM/D-cache banks, JNK). */
export const IS_SINGLE_LOAD = table(0, [[[C.Load, C.LoadNarrow, C.FpLoad], 1]]);
export const IS_MEMORY = table(0, [
  [
    [
      C.Load, C.LoadNarrow, C.LoadDouble, C.LoadMultiple, C.Store, C.StoreDouble, C.StoreMultiple, C.Exclusive,
      C.FpLoad, C.FpStore, C.FpLoadDouble, C.FpStoreDouble, C.FpLoadMultiple, C.FpStoreMultiple,
    ],
    1,
  ],
]);
export const IS_STORE = table(0, [[[C.Store, C.StoreDouble, C.StoreMultiple, C.FpStore, C.FpStoreDouble, C.FpStoreMultiple], 1]]);
export const IS_MUL_CONSUMER = table(0, [[[C.Mul, C.Mac, C.MulLong, C.Div], 1]]);
/** Classes whose late-read core operand is an accumulator (else store data). */
export const HAS_ACCUMULATOR = table(0, [[[C.Mac, C.MulLong], 1]]);

/** Stage in which a core-register operand is read. */
export const enum ReadKind {
  /** Late ALU (EX2): ordinary operands. */
  Normal = 0,
  /** Early ALU (EX1): inline-shifted operand, extracted operand of UXTAB/PKH/BFI (JNK). */
  Early,
  /** AGU (EX1): base/index of a load or store. */
  Address,
  /** Multiplier operands (JNK: MUL/MAC can't use an LDR result from the previous cycle). */
  MulOperand,
  /** MAC accumulator, read one stage late (JNK, LLVM-M7). */
  Accumulator,
  /** Store data, read at EX3/EX4 (JNK: "can store any result in same cycle"). */
  StoreData,
}
export const READ_KIND_COUNT = 6;

/** CORE_LATENCY[kind * N + producerClass]. */
export const CORE_LATENCY = new Int8Array(READ_KIND_COUNT * N);
function coreRow(classes: C[], normal: number, early: number, address: number, mul: number, acc: number, store: number): void {
  const vals = [normal, early, address, mul, acc, store];
  for (const c of classes) for (let k = 0; k < READ_KIND_COUNT; k++) CORE_LATENCY[k * N + c] = vals[k];
}
//                                                     normal early addr  mul  acc store
// ALU: 1 cycle (JNK, LLVM-M7); early-ALU results forward to the AGU and early ALU next cycle (JNK).
coreRow(Array.from({ length: N }, (_, i) => i as C), 1, 1, 1, 1, 0, 0);
// Shifted-operand ALU ops run in the late ALU: an early consumer waits one more cycle (JNK).
coreRow([C.AluShift], 1, 2, 1, 1, 0, 0);
// DSP/bitfield: result → address +1 (JNK); early consumers +1 (JNK early/late ALU).
coreRow([C.Dsp], 1, 2, 2, 1, 0, 0);
// MUL/MAC: +1 result latency (JNK, LLVM-M7 2); accumulate chains every cycle (JNK); MUL → AGU 4 (LLVM-MUT).
coreRow([C.Mul, C.Mac, C.MulLong], 2, 3, 4, 2, 1, 1);
// Word loads: late ALU next cycle (JNK); early ALU +1 (JNK); data → address 3 (QUIN, LLVM-MUT +1 on
// LoadLatency 2); MUL operand +1 (JNK, LLVM-MUT); accumulator 1; store data same cycle (JNK).
coreRow([C.Load, C.LoadDouble, C.LoadMultiple, C.Exclusive, C.BranchIndirect], 1, 2, 3, 2, 1, 0);
// Byte/halfword loads: +1 (JNK "second cycle by late ALU, third in early ALU"; LLVM-M7 SlowLoad 2).
coreRow([C.LoadNarrow], 2, 3, 3, 2, 1, 0);
// VMOV core ← FP: 1 cycle into the late ALU, 0 into a MAC accumulator (JNK).
coreRow([C.FpMove], 1, 2, 2, 1, 0, 0);
// MRS and other system ops: LLVM-M7 latency 3.
coreRow([C.System], 3, 3, 3, 3, 3, 3);

/** Stage in which an FP register operand is read. */
export const enum FpReadKind {
  /** FP ALU/multiplier operand, VFMA multiplicand, VMOV source. */
  Normal = 0,
  /** VFMA/VMLA accumulator (read late: JNK "as fma/mla accumulate"). */
  Accumulator,
  /** VSTR/VSTM data, VMOV to core register. */
  Store,
}
export const FP_READ_KIND_COUNT = 3;

/** FP_LATENCY[kind * N + producerClass]; JNK result-latency table unless noted. */
export const FP_LATENCY = new Int8Array(FP_READ_KIND_COUNT * N);
function fpRow(classes: C[], normal: number, acc: number, store: number): void {
  for (const c of classes) {
    FP_LATENCY[c] = normal;
    FP_LATENCY[N + c] = acc;
    FP_LATENCY[2 * N + c] = store;
  }
}
fpRow(Array.from({ length: N }, (_, i) => i as C), 1, 1, 1);
fpRow([C.FpAlu, C.FpMul], 3, 3, 1); // VADD/VMUL.F32: 3; 1 into VSTR (JNK)
fpRow([C.FpFma], 5, 3, 3); // VFMA.F32: 5 as operand, 3 as accumulator (JNK, LLVM-M7 5 with read-advance 2)
fpRow([C.FpMac], 6, 3, 4); // VMLA.F32: 6, 3 as accumulator, 4 into VSTR (JNK)
fpRow([C.FpDiv], 16, 16, 16); // VDIV.F32 16 cycles (JNK)
fpRow([C.FpSqrt], 14, 14, 14); // VSQRT.F32 14 cycles (JNK)
fpRow([C.DpAlu], 3, 3, 1); // VADD.F64 latency 3 (JNK)
fpRow([C.DpMul], 5, 5, 5); // VMUL.F64 CPI 5 (JNK); LLVM-M7 7
fpRow([C.DpMac], 7, 6, 7); // VFMA.F64 7 first, 6 chained (JNK, same-exponent column)
fpRow([C.DpDiv, C.DpSqrt], 30, 30, 30); // VDIV.F64 30 (JNK), VSQRT.F64 30 (LLVM-M7)
fpRow([C.FpLoad, C.FpLoadMultiple], 1, 3, 1); // VLDR.32: 1, but 3 as VFMA accumulator (JNK)
fpRow([C.FpLoadDouble], 2, 3, 2); // VLDR.64: LLVM-M7 2
fpRow([C.FpMove], 3, 3, 3); // VMOV FP ← core / FP ← FP / #imm: 3 (JNK)

/**
 * Cycles the instruction keeps later instructions from issuing (beyond its own issue cycle):
 * VDIV/VSQRT lock the pipeline after pairing with one integer instruction (JNK).
 */
export const PIPELINE_LOCK = table(0, [
  [[C.FpDiv], 16],
  [[C.FpSqrt], 14],
  [[C.DpDiv, C.DpSqrt], 30],
]);

/** FP arithmetic unit occupancy (issue-to-issue for the next FP arithmetic op): VMUL.F64 CPI 5, VFMA.F64 6 chained (JNK). */
export const FP_BUSY = table(1, [
  [[C.DpMul], 5],
  [[C.DpMac], 6],
]);

/**
 * JNK: "after executing multiply accumulate instructions vadd.f, vldm, vstm, vldr.d, vstr.d, vmov #imm
 * cannot be executed for 3 next cycles" (they issue at MAC + 4); vldr.f/vstr.f/vmov can't issue from the
 * younger slot for 3 cycles.
 */
export const MAC_BLOCKED = table(0, [[[C.FpAlu, C.FpLoadMultiple, C.FpStoreMultiple, C.FpLoadDouble, C.FpStoreDouble], 1]]);
export const MAC_NO_YOUNGER = table(0, [[[C.FpLoad, C.FpStore, C.FpMove], 1]]);
export const MAC_BLOCK_CYCLES = 3;
export const IS_FP_MAC = table(0, [[[C.FpFma, C.FpMac], 1]]);
export const IS_FP_ARITH = table(0, [[[...FP_ARITH], 1]]);

/** Branch kinds for the predictor. */
export const enum BranchKind {
  None = 0,
  /** B, B<cond>, CBZ/CBNZ: target known at decode. */
  Direct,
  /** BL: unconditional direct. */
  Call,
  /** BX/BLX register, POP {pc}, LDR pc, TBB/TBH: target from a register or memory. */
  Indirect,
}
export const BRANCH_KIND = table(BranchKind.None, [
  [[C.Branch], BranchKind.Direct],
  [[C.Call], BranchKind.Call],
  [[C.BranchIndirect, C.TableBranch], BranchKind.Indirect],
]);

/** Classes that transfer `transferCount` registers at 2 per cycle: ceil(n/2) cycles (JNK). */
export const IS_MULTIPLE = table(0, [
  [[C.LoadMultiple, C.StoreMultiple, C.FpLoadMultiple, C.FpStoreMultiple, C.BranchIndirect], 1],
]);
/** Extra issue cycles of fixed multi-cycle classes: TBB/TBH are 2 micro-ops (LLVM-M7). */
export const EXTRA_CYCLES = table(0, [[[C.TableBranch], 1]]);
