/**
 * Fills the optional TimingInfo refinements (fpReadMask, fpWriteMask, earlyMask, lateMask, flags) of a
 * decoded instruction record from its operand fields, once per record, when decode left them unset.
 *
 * It reads the decoded-record fields documented in packages/core/src/decode/decoded.ts (rd/rn/rm/ra,
 * setFlags, cond, op, imm, imm2, mnemonic; FP records hold S-word indices in rd/rn/rm, fpu/decode.ts).
 * Only timing depends on it: a wrong mask changes a stall, never a result. If decode fills the fields
 * itself (`flags` defined), nothing here runs.
 */
import { InsnClass as C, TimingFlag, type TimingInfo } from '@seedsim/core';

/** The decoded-record fields used here (a structural view of core's Insn). */
interface DecodedFields {
  rd: number;
  rn: number;
  rm: number;
  ra: number;
  imm: number;
  imm2: number;
  setFlags: number;
  cond: number;
  op: number;
  wback: number;
  mnemonic: string;
}

const bit = (r: number) => (r >= 0 && r < 32 ? 1 << r : 0);
/** `n` consecutive S words from `first`. */
const words = (first: number, n: number) => {
  let m = 0;
  for (let k = 0; k < n; k++) m |= bit(first + k);
  return m;
};

const MEMORY = new Set([
  C.Load, C.LoadNarrow, C.LoadDouble, C.LoadMultiple, C.Store, C.StoreDouble, C.StoreMultiple, C.BranchIndirect,
  C.FpLoad, C.FpStore, C.FpLoadDouble, C.FpStoreDouble, C.FpLoadMultiple, C.FpStoreMultiple,
]);
const DOUBLE = new Set([C.DpAlu, C.DpMul, C.DpMac, C.DpDiv, C.DpSqrt]);
const THREE_REG = /^(vadd|vsub|vmul|vnmul|vdiv|vsel|vmaxnm|vminnm|vmla|vmls|vnmla|vnmls|vfma|vfms|vfnma|vfnms)/;
const ACCUMULATES = /^(vmla|vmls|vnmla|vnmls|vfma|vfms|vfnma|vfnms)/;

function isDecoded(info: TimingInfo): info is TimingInfo & DecodedFields {
  return typeof (info as Partial<DecodedFields>).mnemonic === 'string' && typeof (info as Partial<DecodedFields>).rd === 'number';
}

/** Width in S words of the operand typed `t` in a VCVT mnemonic ('f64' → 2, else 1). */
function cvtWidth(t: string | undefined, fallback: number): number {
  return t === undefined ? fallback : t === 'f64' ? 2 : 1;
}

export function annotateTimingInfo(info: TimingInfo): void {
  let flags = 0;
  let early = 0;
  let late = 0;
  let fpRead = 0;
  let fpWrite = 0;
  let baseWrite = 0;
  if (isDecoded(info)) {
    const d = info;
    const cls = d.cls;
    const read = info.readMask & 0x7fff;
    const name = d.mnemonic;
    switch (cls) {
      case C.Store:
        late = bit(d.rd) & read; // Rt: store data, read late (JNK)
        early = read & ~late;
        break;
      case C.StoreDouble:
        late = (bit(d.rd) | bit(d.ra)) & read;
        early = read & ~late;
        break;
      case C.StoreMultiple:
        early = bit(d.rn) & read;
        late = read & ~early;
        break;
      case C.Load:
      case C.LoadNarrow:
      case C.LoadDouble:
      case C.LoadMultiple:
      case C.Exclusive:
      case C.FpLoad:
      case C.FpLoadDouble:
      case C.FpLoadMultiple:
      case C.FpStore:
      case C.FpStoreDouble:
      case C.FpStoreMultiple:
        early = read; // base and index: address generation
        break;
      case C.AluShift:
        early = bit(d.rm) & read; // the inline-shifted operand goes through the early ALU's shifter (JNK)
        break;
      case C.Mac:
        late = bit(d.ra) & read; // accumulator (JNK: chains every cycle)
        break;
      case C.MulLong:
        late = (bit(d.rd) | bit(d.ra)) & read; // RdLo/RdHi accumulators of UMLAL/SMLAL
        break;
      default:
        break;
    }
    // Base writeback of memory instructions (post/pre-index, LDM/STM/PUSH/POP, VLDM/VSTM with '!').
    if (d.wback === 1 && MEMORY.has(cls)) baseWrite = bit(d.rn) & info.writeMask;
    const isFp = cls >= C.FpAlu && cls <= C.FpStoreMultiple;
    if (!isFp && d.setFlags === 1) flags |= TimingFlag.SetsFlags;
    if (name === 'vmrs apsr_nzcv') flags |= TimingFlag.SetsFlags;
    if (cls === C.Branch && (d.cond !== 14 || name.startsWith('cb'))) flags |= TimingFlag.Conditional;
    if (isFp) [fpRead, fpWrite] = fpMasks(d, cls, name, info.transferCount);
  }
  info.earlyMask = early;
  info.lateMask = late;
  info.fpReadMask = fpRead;
  info.fpWriteMask = fpWrite;
  info.baseWriteMask = baseWrite;
  info.flags = flags;
}

function fpMasks(d: DecodedFields & TimingInfo, cls: C, name: string, transferCount: number): [number, number] {
  const w = DOUBLE.has(cls) ? 2 : 1;
  switch (cls) {
    case C.FpLoad:
      return [0, words(d.rd, 1)];
    case C.FpLoadDouble:
      return [0, words(d.rd, 2)];
    case C.FpStore:
      return [words(d.rd, 1), 0];
    case C.FpStoreDouble:
      return [words(d.rd, 2), 0];
    case C.FpLoadMultiple:
      return [0, words(d.rd, transferCount)];
    case C.FpStoreMultiple:
      return [words(d.rd, transferCount), 0];
    case C.FpMove: {
      if (name.startsWith('vmsr') || name.startsWith('vmrs')) return [0, 0];
      if (name === 'vmov' || name === 'vmov.32') {
        // Core ↔ FP transfers (op 1: to core). Two core registers (Rt, Rt2 in rd, ra) move two S words
        // from rm; one core register moves the S word in rn.
        const core = (d.readMask | d.writeMask) & 0x7fff;
        const two = (core & (core - 1)) !== 0;
        const fpWords = two ? words(d.rm, 2) : words(d.rn, 1);
        return d.op === 1 ? [fpWords, 0] : [0, fpWords];
      }
      const width = name.endsWith('.f64') ? 2 : 1;
      // VMOV #imm holds its constant in imm/imm2 and reads nothing; VMOV register reads rm.
      if (d.imm !== 0 || d.imm2 !== 0) return [0, words(d.rd, width)];
      return [words(d.rm, width), words(d.rd, width)];
    }
    default:
      break;
  }
  if (name.startsWith('vcmp')) {
    // Writes FPSCR flags only; the #0.0 form (imm = 1 in fpu/decode.ts) reads only Vd.
    return [words(d.rd, w) | (d.imm === 1 ? 0 : words(d.rm, w)), 0];
  }
  if (name.startsWith('vcvt')) {
    const parts = name.split('.');
    return [words(d.rm, cvtWidth(parts[2], w)), words(d.rd, cvtWidth(parts[1], w))];
  }
  if (THREE_REG.test(name)) {
    const reads = words(d.rn, w) | words(d.rm, w) | (ACCUMULATES.test(name) ? words(d.rd, w) : 0);
    return [reads, words(d.rd, w)];
  }
  // Two-register forms: VSQRT, VABS, VNEG, VRINT.
  return [words(d.rm, w), words(d.rd, w)];
}
