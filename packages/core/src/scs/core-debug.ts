/**
 * CoreDebug registers of the SCS (ARMv7-M ARM DDI 0403E C1.6): DHCSR 0xE000EDF0, DCRSR 0xE000EDF4,
 * DCRDR 0xE000EDF8, DEMCR 0xE000EDFC. No debugger is ever attached: DHCSR.C_DEBUGEN reads 0, so halting
 * debug never happens and BKPT escalates (C1.5). DEMCR holds TRCENA (bit 24), which gates the DWT
 * cycle counter, and MON_EN (bit 16) for the DebugMonitor exception.
 */
export const enum CoreDebugReg {
  Dhcsr = 0x0,
  Dcrsr = 0x4,
  Dcrdr = 0x8,
  Demcr = 0xc,
}

export const DEMCR_TRCENA = 1 << 24;
export const DEMCR_MON_EN = 1 << 16;
/** DEMCR bits that hold state: TRCENA, MON_REQ, MON_STEP, MON_PEND, MON_EN, VC_* (C1.6.5). */
const DEMCR_MASK = 0x010f07f1;

export class CoreDebug {
  demcr = 0;
  dcrdr = 0;
  /** Told when TRCENA changes, so the DWT can start or stop its counter. */
  onTraceEnableChanged: ((enabled: boolean) => void) | null = null;

  reset(): void {
    this.setDemcr(0);
    this.dcrdr = 0;
  }

  get traceEnabled(): boolean {
    return (this.demcr & DEMCR_TRCENA) !== 0;
  }

  readRegister(offset: number): number {
    switch (offset) {
      case CoreDebugReg.Dhcsr:
        return 0; // C_DEBUGEN = 0 and no halt state: no debugger connected
      case CoreDebugReg.Dcrdr:
        return this.dcrdr;
      case CoreDebugReg.Demcr:
        return this.demcr;
      default:
        return 0;
    }
  }

  writeRegister(offset: number, value: number): void {
    switch (offset) {
      case CoreDebugReg.Dcrdr:
        this.dcrdr = value >>> 0;
        return;
      case CoreDebugReg.Demcr:
        this.setDemcr(value);
        return;
      default:
        // DHCSR writes need DBGKEY and only matter to a debugger; DCRSR transfers need halting mode.
        return;
    }
  }

  private setDemcr(value: number): void {
    const before = this.traceEnabled;
    this.demcr = (value & DEMCR_MASK) >>> 0;
    if (before !== this.traceEnabled && this.onTraceEnableChanged) this.onTraceEnableChanged(this.traceEnabled);
  }
}
