import type { ExceptionModel } from '../exceptions.js';
import { Exc } from './exception-numbers.js';
import { SHCSR_BUSFAULTENA, SHCSR_MEMFAULTENA, SHCSR_USGFAULTENA } from './scb-bits.js';
import { CCSIDR_DCACHE, CCSIDR_ICACHE, CLIDR, CTR } from './cache-id.js';

/**
 * SCB register view (ARMv7-M ARM DDI 0403E B3.2), offsets from 0xE000ED00, plus the FP system registers
 * (FPCCR 0xE000EF34, FPCAR, FPDSCR, MVFR0-2) and the cache maintenance operations (0xE000EF50–78),
 * which the SCS device routes here with offsets from 0xE000ED00 as well (0x234…0x278).
 */
export const enum ScbReg {
  Cpuid = 0x00,
  Icsr = 0x04,
  Vtor = 0x08,
  Aircr = 0x0c,
  Scr = 0x10,
  Ccr = 0x14,
  Shpr1 = 0x18,
  Shpr2 = 0x1c,
  Shpr3 = 0x20,
  Shcsr = 0x24,
  Cfsr = 0x28,
  Hfsr = 0x2c,
  Dfsr = 0x30,
  Mmfar = 0x34,
  Bfar = 0x38,
  Afsr = 0x3c,
  Clidr = 0x78,
  Ctr = 0x7c,
  Ccsidr = 0x80,
  Csselr = 0x84,
  Cpacr = 0x88,
  Fpccr = 0x234,
  Fpcar = 0x238,
  Fpdscr = 0x23c,
  Mvfr0 = 0x240,
  Mvfr1 = 0x244,
  Mvfr2 = 0x248,
  Iciallu = 0x250,
  Icimvau = 0x258,
  Dcimvac = 0x25c,
  Dcisw = 0x260,
  Dccmvau = 0x264,
  Dccmvac = 0x268,
  Dccsw = 0x26c,
  Dccimvac = 0x270,
  Dccisw = 0x274,
  Bpiall = 0x278,
}

/** CPUID of the Cortex-M7 r1p1 on the STM32H74x/75x (AN4891 Table 7): implementer 0x41, variant 1,
 * architecture 0xF, part 0xC27, revision 1. */
export const CPUID_CORTEX_M7_R1P1 = 0x411fc271;
/**
 * MVFR0-2 of the Cortex-M7 with single and double precision FPv5 [I]: the Cortex-M7 TRM (DDI 0489) FPU
 * register table as remembered, not re-read here; MVFR0[11:4] = 0x22 (SP and DP) is what software tests.
 */
export const MVFR0 = 0x10110221;
export const MVFR1 = 0x12000011;
export const MVFR2 = 0x00000040;

/** Exception numbers behind each SHPR byte (SHPR1 = 4..7, SHPR2 = 8..11, SHPR3 = 12..15). */
const SHPR_IMPLEMENTED = new Set([Exc.MemManage, Exc.BusFault, Exc.UsageFault, Exc.SVCall, Exc.DebugMonitor, Exc.PendSV, Exc.SysTick]);

/** SHCSR active bits (B3.2.13) by exception: bit index. */
const SHCSR_ACTIVE: [number, number][] = [
  [Exc.MemManage, 0],
  [Exc.BusFault, 1],
  [Exc.UsageFault, 3],
  [Exc.SVCall, 7],
  [Exc.DebugMonitor, 8],
  [Exc.PendSV, 10],
  [Exc.SysTick, 11],
];
const SHCSR_PENDED: [number, number][] = [
  [Exc.UsageFault, 12],
  [Exc.MemManage, 13],
  [Exc.BusFault, 14],
  [Exc.SVCall, 15],
];

export class ScbRegisters {
  constructor(private readonly model: ExceptionModel) {}

  read(offset: number): number {
    const m = this.model;
    switch (offset) {
      case ScbReg.Cpuid:
        return CPUID_CORTEX_M7_R1P1;
      case ScbReg.Icsr:
        return this.readIcsr();
      case ScbReg.Vtor:
        return m.vtor;
      case ScbReg.Aircr:
        // VECTKEYSTAT reads 0xFA05, ENDIANNESS (bit 15) = 0: little-endian.
        return (0xfa050000 | (m.prigroup << 8)) >>> 0;
      case ScbReg.Scr:
        return m.scr;
      case ScbReg.Ccr:
        return m.ccr;
      case ScbReg.Shpr1:
      case ScbReg.Shpr2:
      case ScbReg.Shpr3: {
        const first = 4 + (offset - ScbReg.Shpr1);
        let word = 0;
        for (let b = 0; b < 4; b++) if (SHPR_IMPLEMENTED.has(first + b)) word |= m.priority[first + b] << (8 * b);
        return word >>> 0;
      }
      case ScbReg.Shcsr: {
        let word = m.shcsrEnables;
        for (const [exc, bit] of SHCSR_ACTIVE) if (m.isActive(exc)) word |= 1 << bit;
        for (const [exc, bit] of SHCSR_PENDED) if (m.isPending(exc)) word |= 1 << bit;
        return word >>> 0;
      }
      case ScbReg.Cfsr:
        return m.cfsr;
      case ScbReg.Hfsr:
        return m.hfsr;
      case ScbReg.Mmfar:
        return m.mmfar;
      case ScbReg.Bfar:
        return m.bfar;
      case ScbReg.Clidr:
        return CLIDR;
      case ScbReg.Ctr:
        return CTR;
      case ScbReg.Ccsidr:
        if ((m.csselr >>> 1) !== 0) return 0; // only level 1 exists
        return m.csselr & 1 ? CCSIDR_ICACHE : CCSIDR_DCACHE;
      case ScbReg.Csselr:
        return m.csselr;
      case ScbReg.Cpacr:
        return m.cpacr;
      case ScbReg.Fpccr:
        return m.fpccr;
      case ScbReg.Fpcar:
        return m.fpcar;
      case ScbReg.Fpdscr:
        return m.fpdscr;
      case ScbReg.Mvfr0:
        return MVFR0;
      case ScbReg.Mvfr1:
        return MVFR1;
      case ScbReg.Mvfr2:
        return MVFR2;
      default:
        // DFSR, AFSR, the ID_* feature registers and the write-only maintenance operations read as 0.
        return 0;
    }
  }

  /** ICSR (B3.2.4): VECTACTIVE, RETTOBASE, VECTPENDING, ISRPENDING and the set/clear-pending bits. */
  private readIcsr(): number {
    const m = this.model;
    const active = m.state.ipsr;
    let word = active & 0x1ff;
    // RETTOBASE: in Handler mode with no other exception active.
    if (active !== 0 && m.activeExceptionCount === 1 && m.isActive(active)) word |= 1 << 11;
    word |= (m.highestPending() & 0x1ff) << 12;
    for (let n = Exc.FirstIrq; n < m.exceptionCount; n++) {
      if (m.isPending(n)) {
        word |= 1 << 22; // ISRPENDING
        break;
      }
    }
    if (m.isPending(Exc.SysTick)) word |= 1 << 26;
    if (m.isPending(Exc.PendSV)) word |= 1 << 28;
    if (m.isPending(Exc.Nmi)) word |= 1 << 31;
    return word >>> 0;
  }

  write(offset: number, value: number): void {
    const m = this.model;
    value >>>= 0;
    switch (offset) {
      case ScbReg.Icsr:
        if (value & 0x80000000) m.pendNmi();
        if (value & (1 << 27)) m.clearPending(Exc.PendSV);
        else if (value & (1 << 28)) m.pendPendSV();
        if (value & (1 << 25)) m.clearPending(Exc.SysTick);
        else if (value & (1 << 26)) m.pendSysTick();
        return;
      case ScbReg.Vtor:
        m.vtor = (value & 0xffffff80) >>> 0;
        return;
      case ScbReg.Aircr:
        if (value >>> 16 !== 0x05fa) return; // writes without VECTKEY are ignored (B3.2.6)
        m.setPrigroup((value >>> 8) & 7);
        if (value & 2) m.clearAllActive();
        if (value & 4) m.requestSystemReset();
        return;
      case ScbReg.Scr:
        m.scr = value & 0x16;
        return;
      case ScbReg.Ccr:
        m.setCcr(value);
        return;
      case ScbReg.Shpr1:
      case ScbReg.Shpr2:
      case ScbReg.Shpr3: {
        const first = 4 + (offset - ScbReg.Shpr1);
        for (let b = 0; b < 4; b++) if (SHPR_IMPLEMENTED.has(first + b)) m.setPriority(first + b, (value >>> (8 * b)) & 0xff);
        return;
      }
      case ScbReg.Shcsr:
        m.shcsrEnables = value & (SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA);
        for (const [exc, bit] of SHCSR_ACTIVE) m.setActive(exc, ((value >>> bit) & 1) !== 0);
        for (const [exc, bit] of SHCSR_PENDED) {
          if ((value >>> bit) & 1) m.setPending(exc);
          else m.clearPending(exc);
        }
        m.updateAttention();
        return;
      case ScbReg.Cfsr:
        m.cfsr = (m.cfsr & ~value) >>> 0; // write one to clear
        return;
      case ScbReg.Hfsr:
        m.hfsr = (m.hfsr & ~value) >>> 0;
        return;
      case ScbReg.Mmfar:
        m.mmfar = value;
        return;
      case ScbReg.Bfar:
        m.bfar = value;
        return;
      case ScbReg.Csselr:
        m.csselr = value & 0xf;
        return;
      case ScbReg.Cpacr:
        m.cpacr = value & 0x00f00000; // only CP10 and CP11 (the FPU) exist
        return;
      case ScbReg.Fpccr:
        m.fpccr = (value & 0xc000017b) >>> 0;
        return;
      case ScbReg.Fpcar:
        m.fpcar = value & ~7;
        return;
      case ScbReg.Fpdscr:
        m.fpdscr = value & 0x07c00000;
        return;
      default:
        this.maintenance(offset, value);
    }
  }

  /** Cache maintenance operations (B2.2.7), forwarded to the cache model. */
  private maintenance(offset: number, value: number): void {
    const ops = this.model.cacheOps;
    if (!ops) return;
    switch (offset) {
      case ScbReg.Iciallu:
        ops.invalidateInstructionAll();
        return;
      case ScbReg.Icimvau:
        ops.invalidateInstructionByAddress(value);
        return;
      case ScbReg.Dcimvac:
        ops.invalidateDataByAddress(value);
        return;
      case ScbReg.Dcisw:
        ops.invalidateDataBySetWay(value);
        return;
      case ScbReg.Dccmvau:
      case ScbReg.Dccmvac:
        ops.cleanDataByAddress(value);
        return;
      case ScbReg.Dccsw:
        ops.cleanDataBySetWay(value);
        return;
      case ScbReg.Dccimvac:
        ops.cleanInvalidateDataByAddress(value);
        return;
      case ScbReg.Dccisw:
        ops.cleanInvalidateDataBySetWay(value);
        return;
      case ScbReg.Bpiall:
        ops.invalidateBranchPredictor();
        return;
      default:
        return;
    }
  }
}
