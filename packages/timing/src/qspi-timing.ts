/**
 * QUADSPI memory-mapped read timing (hw-facts §3.6, §5.3; RM0433 §23.3 "QUADSPI functional
 * description"): a command is instruction, address, alternate bytes, dummy cycles, then data; in
 * memory-mapped mode the controller keeps prefetching the following bytes into its 32-byte FIFO with
 * nCS low, so a read that continues where the last one ended skips the command phases.
 */
import type { QspiTimingConfig } from './bus-config.js';

export class QspiTiming {
  private config: QspiTimingConfig | null = null;
  private cpuPerClock = 4;
  private overheadCpu = 0;
  private commandClocks = 0;
  private instructionClocks = 0;
  private clocksPerByte = 2;
  private instructionSent = false;
  private nextAddress = -1;
  private lastEnd = 0;
  critical = 0;
  total = 0;
  /** Whether the last access continued the previous one without a new command. */
  lastSequential = false;

  constructor(private fifoBytes: number) {}

  configure(config: QspiTimingConfig | null, cpuHz: number, hclkHz: number, overheadHclk: number): void {
    this.config = config;
    this.instructionSent = false;
    this.nextAddress = -1;
    if (!config) return;
    const edges = config.ddr ? 2 : 1;
    const phase = (bytes: number, lines: number, ddr: boolean) => (lines === 0 ? 0 : (bytes * 8) / lines / (ddr ? edges : 1));
    this.cpuPerClock = cpuHz / config.clockHz;
    this.overheadCpu = (overheadHclk * cpuHz) / hclkHz;
    // The instruction phase is always SDR (RM0433 §23.3.3: DDR applies to address, alternate and data).
    this.instructionClocks = phase(1, config.instructionLines, false);
    this.commandClocks =
      config.csHighCycles +
      phase(config.addressBytes, config.addressLines, true) +
      phase(config.alternateBytes, config.alternateLines, true) +
      config.dummyCycles;
    this.clocksPerByte = 8 / config.dataLines / edges;
  }

  get configured(): boolean {
    return this.config !== null;
  }

  /** Prices a read of `bytes` at `address` at CPU cycle `now`; sets critical/total in whole CPU cycles. */
  access(address: number, bytes: number, now: number): void {
    const c = this.config;
    if (!c) {
      this.critical = this.total = 0;
      return;
    }
    const a = address >>> 0;
    const idleClocks = (now - this.lastEnd) / this.cpuPerClock;
    const sequential = a === this.nextAddress && (c.timeoutCycles === 0 || idleClocks < c.timeoutCycles);
    let startClocks: number;
    let dataBytes = bytes;
    if (sequential) {
      // The FIFO kept filling while idle: those bytes are already there.
      const prefetched = Math.min(this.fifoBytes, Math.floor(Math.max(0, idleClocks) / this.clocksPerByte));
      dataBytes = Math.max(0, bytes - prefetched);
      startClocks = 0;
    } else {
      const instruction = c.sendInstructionOnlyOnce && this.instructionSent ? 0 : this.instructionClocks;
      startClocks = instruction + this.commandClocks;
      this.instructionSent = true;
    }
    this.lastSequential = sequential;
    const firstBytes = Math.min(4, dataBytes);
    this.critical = Math.ceil(this.overheadCpu + (startClocks + firstBytes * this.clocksPerByte) * this.cpuPerClock);
    this.total = Math.ceil(this.overheadCpu + (startClocks + dataBytes * this.clocksPerByte) * this.cpuPerClock);
    this.nextAddress = (a + bytes) >>> 0;
    this.lastEnd = now + this.total;
  }
}
