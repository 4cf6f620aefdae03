/**
 * System and hint instructions (ARMv7-M ARM B5.2: MRS, MSR, CPS; A7.7: IT, NOP, YIELD, WFE, WFI, SEV,
 * DMB, DSB, ISB, BKPT, SVC, UDF) and the executor of undefined encodings.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../decode/decoded.js';
import { FaultKind } from '../exception-host.js';

/** IT (A7.7.38): ITSTATE = firstcond:mask (imm). */
export function it(cpu: Cpu, i: Insn): void {
  cpu.state.itState = i.imm;
}

export function nop(_cpu: Cpu, _i: Insn): void {}

export function wfi(cpu: Cpu, _i: Insn): void {
  cpu.r[15] = cpu.nextPc;
  cpu.exceptions.wfi();
}

export function wfe(cpu: Cpu, _i: Insn): void {
  cpu.r[15] = cpu.nextPc;
  cpu.exceptions.wfe();
}

export function sev(cpu: Cpu, _i: Insn): void {
  cpu.exceptions.sev();
}

export function svc(cpu: Cpu, i: Insn): void {
  cpu.svc(i.imm);
}

export function bkpt(cpu: Cpu, i: Insn): void {
  cpu.bkpt(i.imm);
}

/** UDF and every undefined or unallocated encoding: UsageFault UNDEFINSTR. */
export function undefinedInsn(cpu: Cpu, _i: Insn): void {
  cpu.fault(FaultKind.Undefined);
}

/**
 * An unallocated encoding in CP10/CP11 space: access to the coprocessor is checked first, so it is NOCP
 * while CPACR denies the FPU (B3.2.20: "any attempted access generates a NOCP UsageFault"), else UNDEFINSTR.
 */
export function undefinedFp(cpu: Cpu, _i: Insn): void {
  cpu.checkFpAccess();
  cpu.fault(FaultKind.Undefined);
}

/** Coprocessor encodings other than CP10/CP11: UsageFault NOCP (B1.5.14). */
export function noCoprocessor(cpu: Cpu, _i: Insn): void {
  cpu.fault(FaultKind.NoCoprocessor);
}

/** Special-register numbers (SYSm, B5.1.1). */
export const enum SysReg {
  APSR = 0,
  IAPSR = 1,
  EAPSR = 2,
  XPSR = 3,
  IPSR = 5,
  EPSR = 6,
  IEPSR = 7,
  MSP = 8,
  PSP = 9,
  PRIMASK = 16,
  BASEPRI = 17,
  BASEPRI_MAX = 18,
  FAULTMASK = 19,
  CONTROL = 20,
}

/** Whether MRS/MSR accept this SYSm value (others are UNPREDICTABLE; decoded as UNDEFINED). */
export function validSysReg(sysm: number): boolean {
  return (sysm <= 7 && sysm !== 4) || sysm === 8 || sysm === 9 || (sysm >= 16 && sysm <= 20);
}

/** MRS Rd, spec_reg (B5.2.2). imm = SYSm. EPSR reads as zero; masks read as zero unprivileged. */
export function mrs(cpu: Cpu, i: Insn): void {
  const s = cpu.state;
  const sysm = i.imm;
  const priv = cpu.privileged;
  let v = 0;
  switch (sysm >> 3) {
    case 0:
      if (sysm & 1) v |= s.ipsr & 0x1ff;
      if ((sysm & 4) === 0) v |= s.apsr;
      break;
    case 1:
      if (priv) v = sysm === SysReg.MSP ? s.getMsp() : s.getPsp();
      break;
    default:
      switch (sysm) {
        case SysReg.PRIMASK: v = priv ? s.primask & 1 : 0; break;
        case SysReg.BASEPRI:
        case SysReg.BASEPRI_MAX: v = priv ? s.basepri & 0xff : 0; break;
        case SysReg.FAULTMASK: v = priv ? s.faultmask & 1 : 0; break;
        default: v = s.control & 7; break; // CONTROL (FP extension present: bits 2:0)
      }
  }
  cpu.r[i.rd] = v >>> 0;
}

/**
 * MSR spec_reg, Rn (B5.2.3). imm = SYSm, op = mask (bit 1: N Z C V Q, bit 0: GE) for APSR forms.
 * Unprivileged writes to anything but APSR are ignored.
 */
export function msr(cpu: Cpu, i: Insn): void {
  const s = cpu.state;
  const v = cpu.r[i.rn];
  const sysm = i.imm;
  const priv = cpu.privileged;
  switch (sysm >> 3) {
    case 0:
      if ((sysm & 4) === 0) {
        if (i.op & 1) s.ge = (v >>> 16) & 0xf;
        if (i.op & 2) {
          s.n = (v >>> 31) & 1;
          s.z = (v >>> 30) & 1;
          s.c = (v >>> 29) & 1;
          s.v = (v >>> 28) & 1;
          s.q = (v >>> 27) & 1;
        }
      }
      return;
    case 1:
      if (!priv) return;
      if (sysm === SysReg.MSP) s.setMsp(v & ~3);
      else s.setPsp(v & ~3);
      return;
    default:
      if (!priv) return;
      switch (sysm) {
        case SysReg.PRIMASK:
          s.primask = v & 1;
          break;
        case SysReg.BASEPRI:
          s.basepri = v & cpu.basepriMask;
          break;
        case SysReg.BASEPRI_MAX: {
          const nv = v & cpu.basepriMask;
          if (nv !== 0 && (nv < s.basepri || s.basepri === 0)) s.basepri = nv;
          break;
        }
        case SysReg.FAULTMASK:
          if (cpu.exceptions.executionPriority() > -1) s.faultmask = v & 1;
          break;
        default: {
          // CONTROL: nPRIV; SPSEL only in Thread mode; FPCA (FP extension).
          let c = (s.control & ~1) | (v & 1);
          if (s.ipsr === 0) c = (c & ~2) | (v & 2);
          c = (c & ~4) | (v & 4);
          s.control = c;
          s.selectStack();
          cpu.exceptions.controlWritten?.();
          return;
        }
      }
      cpu.exceptions.maskChanged();
  }
}

/** CPSIE/CPSID i|f (B5.2.1). op = 1 for CPSID (disable); imm bit 1 = I (PRIMASK), bit 0 = F (FAULTMASK). */
export function cps(cpu: Cpu, i: Insn): void {
  if (!cpu.privileged) return;
  const s = cpu.state;
  const disable = i.op;
  if (i.imm & 2) s.primask = disable;
  if (i.imm & 1) {
    if (!disable) s.faultmask = 0;
    else if (cpu.exceptions.executionPriority() > -1) s.faultmask = 1;
  }
  cpu.exceptions.maskChanged();
}
