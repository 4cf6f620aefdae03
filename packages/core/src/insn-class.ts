/**
 * Timing classes: what a cycle model needs to know about an instruction, assigned once at decode.
 * The classes follow the groups the Cortex-M7 pipeline treats alike (LLVM ARMScheduleM7.td write
 * classes; ../shared/reference/hw-facts.md §1.2–1.5). The core never reads them; timing models do.
 */
export const enum InsnClass {
  /** ADD/SUB/logic/MOV/CMP with register or modified-immediate operand, no inline shift. */
  Alu = 0,
  /** ALU with an inline-shifted register operand or a shift instruction (LSL/ASR… by immediate/register). */
  AluShift,
  /** SXT/UXT, parallel add/sub, SEL, saturating ops, SSAT/USAT, PKH, REV/RBIT, CLZ, BFI/BFC/SBFX/UBFX. */
  Dsp,
  /** MUL, SMULxy, SMMUL, SMUAD… (32-bit result). */
  Mul,
  /** MLA/MLS/SMLAxy/SMLAD/SMMLA… (accumulating, 32-bit result). */
  Mac,
  /** UMULL/SMULL/UMLAL/SMLAL/SMLALxy/SMLALD/UMAAL (64-bit result). */
  MulLong,
  /** SDIV/UDIV. */
  Div,
  /** LDR word (any addressing form, incl. literal). */
  Load,
  /** LDRB/LDRH/LDRSB/LDRSH. */
  LoadNarrow,
  /** LDRD. */
  LoadDouble,
  /** LDM/POP (without PC). */
  LoadMultiple,
  /** STR/STRB/STRH. */
  Store,
  /** STRD. */
  StoreDouble,
  /** STM/PUSH. */
  StoreMultiple,
  /** LDREX/STREX/CLREX family. */
  Exclusive,
  /** B/B<cond>/CBZ/CBNZ (direct). */
  Branch,
  /** BL (direct call). */
  Call,
  /** BX/BLX register, and any load or ALU op that writes PC (POP {pc}, LDR pc, MOV pc). */
  BranchIndirect,
  /** TBB/TBH. */
  TableBranch,
  /** IT. */
  It,
  /** NOP and hints (YIELD, SEV), DMB/DSB/ISB, MRS/MSR, CPS, SVC, BKPT. */
  System,
  /** WFI/WFE. */
  Sleep,
  /** VADD/VSUB/VABS/VNEG/VCMP/VMAX/VMIN/VSEL/VRINT/VCVT (single precision). */
  FpAlu,
  /** VMUL/VNMUL (single). */
  FpMul,
  /** VFMA/VFMS/VFNMA/VFNMS (single). */
  FpFma,
  /** VMLA/VMLS/VNMLA/VNMLS (single, not fused). */
  FpMac,
  /** VDIV.F32. */
  FpDiv,
  /** VSQRT.F32. */
  FpSqrt,
  /** Double-precision ALU ops (VADD.F64 …, VCVT involving F64). */
  DpAlu,
  /** VMUL.F64/VNMUL.F64. */
  DpMul,
  /** VFMA.F64 family and VMLA.F64 family. */
  DpMac,
  /** VDIV.F64. */
  DpDiv,
  /** VSQRT.F64. */
  DpSqrt,
  /** VMOV between core and FP registers, VMOV immediate/register, VMRS/VMSR. */
  FpMove,
  /** VLDR.32 / VSTR.32. */
  FpLoad,
  FpStore,
  /** VLDR.64 / VSTR.64. */
  FpLoadDouble,
  FpStoreDouble,
  /** VLDM/VPOP and VSTM/VPUSH. */
  FpLoadMultiple,
  FpStoreMultiple,
  /** UDF or an undefined encoding (it faults). */
  Undefined,
}

export const INSN_CLASS_COUNT = InsnClass.Undefined + 1;
