/**
 * SDRAM access timing behind the FMC: open row per internal bank, CAS latency, one beat per SDCLK
 * (hw-facts §3.5, §5.2). Address split for the FMC's SDRAM mapping (RM0433 §22.9.3, "SDRAM address
 * mapping"): byte lane bits, then column, then internal bank, then row.
 */
import type { SdramTimingConfig } from './bus-config.js';

export class SdramTiming {
  private config: SdramTimingConfig | null = null;
  private openRow = new Int32Array(4).fill(-1);
  private cpuPerSdclk = 4;
  private overheadCpu = 0;
  private refreshCpu = 0;
  private lastRefreshWindow = 0;
  private byteShift = 2;
  private bankShift = 11;
  private bankMask = 3;
  private rowShift = 13;
  /** Results of the last {@link access}: CPU cycles to the first beat and to the last beat. */
  critical = 0;
  total = 0;
  /** What the last access found: 0 row hit, 1 bank idle (activate), 2 row miss (precharge + activate). */
  lastRowState = 0;

  constructor(private openPage: boolean) {}

  configure(config: SdramTimingConfig | null, cpuHz: number, hclkHz: number, fmcOverheadHclk: number): void {
    this.config = config;
    this.openRow.fill(-1);
    if (!config) return;
    this.cpuPerSdclk = cpuHz / config.sdclkHz;
    this.overheadCpu = ((fmcOverheadHclk + config.readPipe) * cpuHz) / hclkHz;
    this.byteShift = Math.log2(config.busWidthBits / 8);
    this.bankShift = this.byteShift + config.columnBits;
    this.bankMask = config.internalBanks - 1;
    this.rowShift = this.bankShift + Math.log2(config.internalBanks);
    this.refreshCpu = config.refreshCount > 0 ? config.refreshCount * this.cpuPerSdclk : 0;
  }

  get configured(): boolean {
    return this.config !== null;
  }

  /**
   * Prices a read burst of `bytes` starting at `address` at CPU cycle `now` and updates the row state.
   * Sets {@link critical} (first data) and {@link total} (last data), whole CPU cycles.
   */
  access(address: number, bytes: number, now: number): void {
    const c = this.config;
    if (!c) {
      this.critical = this.total = 0;
      return;
    }
    if (this.refreshCpu > 0) {
      // An auto-refresh precharges all banks (every row closes) once per refresh interval.
      const window = Math.floor(now / this.refreshCpu);
      if (window !== this.lastRefreshWindow) {
        this.lastRefreshWindow = window;
        this.openRow.fill(-1);
      }
    }
    const a = address >>> 0;
    const bank = (a >>> this.bankShift) & this.bankMask;
    const row = a >>> this.rowShift;
    let rowSdclk: number;
    const open = this.openRow[bank];
    if (open === row) {
      rowSdclk = 0;
      this.lastRowState = 0;
    } else if (open === -1) {
      rowSdclk = c.trcd;
      this.lastRowState = 1;
    } else {
      rowSdclk = c.trp + c.trcd;
      this.lastRowState = 2;
    }
    this.openRow[bank] = this.openPage ? row : -1;
    const beats = Math.max(1, Math.ceil((bytes * 8) / c.busWidthBits));
    const firstData = rowSdclk + c.casLatency + 1;
    this.critical = Math.ceil(this.overheadCpu + firstData * this.cpuPerSdclk);
    this.total = Math.ceil(this.overheadCpu + (firstData + beats - 1) * this.cpuPerSdclk);
  }

  /** Prices a write of `bytes` (no CAS latency on SDRAM writes: data goes with the WRITE command). */
  write(address: number, bytes: number, now: number): number {
    const c = this.config;
    if (!c) return 0;
    this.access(address, bytes, now);
    const casCpu = c.casLatency * this.cpuPerSdclk;
    return Math.max(1, this.total - Math.floor(casCpu));
  }
}
