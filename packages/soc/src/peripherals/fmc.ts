import { BusError, type AccessSize, type SocContext } from '@seedsim/core';
import type { MemoryDevice } from '../memory-device.js';
import { Rule } from '../rules.js';
import { SDRAM_SIZE, Sdram } from '../devices/sdram.js';
import { RegisterBlock } from './register-block.js';
import type { ClockTree } from './clock-tree.js';
import { RCC, type Rcc } from './rcc.js';

/** Clock inputs of the FMC (from the RCC clock tree). */
export interface FmcClocks {
  /** fmc_ker_ck in Hz (RCC_D1CCIPR.FMCSEL: PLL2R = 200 MHz on the Daisy). */
  kernelHz(): number;
  /** CPU clock in Hz: simulated cycles per second. */
  cpuHz(): number;
  /** RCC_AHB3ENR.FMCEN: the FMC's bus clock is running. Omitted = always on. */
  clockEnabled?(): boolean;
}

/** FMC clocks from the RCC model: fmc_ker_ck, the CPU clock and RCC_AHB3ENR.FMCEN (bit 12, RM0433 §8.7, RCC_AHB3ENR). */
export function fmcClocksFrom(rcc: Rcc): FmcClocks {
  return {
    kernelHz: () => rcc.clockTree.clocks.fmc,
    cpuHz: () => rcc.clockTree.clocks.cpu,
    clockEnabled: () => rcc.isEnabled(RCC.AHB3ENR, 12),
  };
}

/** What the timing model needs to price an SDRAM access (all times in SDCLK cycles unless named). */
export interface SdramTiming {
  /** False until the FMC is enabled and the chip initialised; the numbers below are the programmed ones. */
  usable: boolean;
  kernelHz: number;
  /** SDCR1.SDCLK: 2 or 3 kernel clocks per SDCLK, 0 when the SDRAM clock is off. */
  sdclkDivider: number;
  sdclkHz: number;
  /** SDCR1.CAS (1–3). */
  casLatency: number;
  /** SDTR1 fields + 1 (RM0433 §22.9.7, FMC_SDTRx). TRC and TRP always come from SDTR1. */
  tmrd: number;
  txsr: number;
  tras: number;
  trc: number;
  twr: number;
  trp: number;
  trcd: number;
  /** SDCR1.RBURST: reads anticipated during the CAS latency into the read FIFO. */
  readBurst: boolean;
  /** SDCR1.RPIPE: extra kernel-clock (HCLK) cycles of read pipe delay (0–2). */
  readPipe: number;
  columnBits: number;
  rowBits: number;
  internalBanks: number;
  busWidthBits: number;
  /** Burst length from the chip's mode register (0 before LOAD MODE REGISTER). */
  burstLength: number;
  /** SDRTR.COUNT: refresh timer in SDCLK cycles. */
  refreshCount: number;
  /** Open row per internal bank (−1 = precharged), live view updated on every SDRAM access. */
  openRows: Int32Array;
}

// FMC registers (RM0433 §22.7 NOR/PSRAM, §22.9 SDRAM; offsets from the SVD).
const BCR1 = 0x000;
const SDCR1 = 0x140;
const SDCR2 = 0x144;
const SDTR1 = 0x148;
const SDTR2 = 0x14c;
const SDCMR = 0x150;
const SDRTR = 0x154;
const SDSR = 0x158;
const BCR_FMCEN = 1 << 31;

const enum SdramCommand {
  Normal = 0,
  ClockEnable = 1,
  PrechargeAll = 2,
  AutoRefresh = 3,
  LoadModeRegister = 4,
  SelfRefresh = 5,
  PowerDown = 6,
}

export const SDRAM_BANK1_BASE = 0xc000_0000;

/**
 * FMC (RM0433 §22) with SDRAM bank 1 and its chip. Register values are stored and checked; SDCMR
 * commands go to the chip state machine; SDSR reports the mode. The NOR/PSRAM/NAND banks are stored
 * as plain registers (Daisy uses none). The SDRAM window at 0xC000_0000 is {@link sdramWindow}.
 */
export class Fmc extends RegisterBlock {
  readonly sdram: Sdram;
  readonly sdramWindow: MemoryDevice;
  /** SDSR.MODES1 (0 normal, 1 self-refresh, 2 power-down). */
  private modes1 = 0;
  /** Cached: FMC clocked and enabled, SDCLK running, chip initialised. */
  usable = false;
  private readonly listeners: (() => void)[] = [];
  private readonly reportedPhases = new Set<string>();
  /** Accesses to SDRAM refused or dropped before it was usable. */
  beforeInitAccesses = 0;

  constructor(
    context: SocContext,
    private readonly clocks: FmcClocks,
    sdram: Sdram = new Sdram(),
    base = 0x5200_4000,
  ) {
    super('FMC', base, 0x400, context);
    this.sdram = sdram;
    this.sdramWindow = new SdramWindow(this, sdram, context);
    // Bank 1–4 NOR/PSRAM, NAND and write-timing registers: plain storage.
    this.storedRange(0x000, 0x01c);
    this.storedRange(0x080, 0x094);
    this.storedRange(0x104, 0x11c);
    this.stored(SDCR2, SDTR2, SDRTR);
    // Every register changes only by a write (SDSR.MODES1 follows the last SDCMR command).
    this.eventStableRange(0x000, 0x01c);
    this.eventStableRange(0x080, 0x094);
    this.eventStableRange(0x104, 0x11c);
    this.eventStable(SDCR1, SDCR2, SDTR1, SDTR2, SDCMR, SDRTR, SDSR);
  }

  /** Subscribes to changes of {@link sdramTiming}; returns the unsubscribe function. */
  onTimingChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Call when the FMC kernel clock or its RCC enable changed. */
  clockChanged(): void {
    this.updateUsable();
    this.notify();
  }

  /** Follows the clock tree: timing listeners hear about kernel-clock changes. Returns the unsubscribe function. */
  followClockTree(tree: ClockTree): () => void {
    return tree.onChange(() => this.clockChanged());
  }

  /**
   * Puts FMC and chip in the state libDaisy's SdramHandle::Init leaves them (libdaisy-facts §4), for
   * boot paths where an earlier program (an old bootloader) already initialised SDRAM. The RCC side
   * (RCC_AHB3ENR.FMCEN) is the RCC model's: set it too, or accesses still fault as "FMC clock not enabled".
   */
  presetLibDaisyInitialised(): void {
    this.regs[BCR1 >>> 2] |= BCR_FMCEN;
    this.regs[SDCR1 >>> 2] = 0x0000_19e9;
    this.regs[SDTR1 >>> 2] = 0x09f2_7361;
    this.regs[SDRTR >>> 2] = 0x0000_100c;
    this.sdram.setGeometry(9, 4);
    this.sdram.clockEnable(0);
    this.sdram.prechargeAll(Infinity);
    this.sdram.autoRefresh(8);
    this.sdram.loadModeRegister(0x232);
    this.updateUsable();
    this.notify();
  }

  sdramTiming(): SdramTiming {
    const sdcr = this.regs[SDCR1 >>> 2];
    const sdtr = this.regs[SDTR1 >>> 2];
    const divider = (sdcr >>> 10) & 3;
    const kernel = this.clocks.kernelHz();
    const field = (shift: number) => ((sdtr >>> shift) & 0xf) + 1;
    return {
      usable: this.usable,
      kernelHz: kernel,
      sdclkDivider: divider >= 2 ? divider : 0,
      sdclkHz: divider >= 2 ? kernel / divider : 0,
      casLatency: (sdcr >>> 7) & 3,
      tmrd: field(0),
      txsr: field(4),
      tras: field(8),
      trc: field(12),
      twr: field(16),
      trp: field(20),
      trcd: field(24),
      readBurst: (sdcr & (1 << 12)) !== 0,
      readPipe: (sdcr >>> 13) & 3,
      columnBits: 8 + (sdcr & 3),
      rowBits: 11 + ((sdcr >>> 2) & 3),
      internalBanks: (sdcr & (1 << 6)) !== 0 ? 4 : 2,
      busWidthBits: 8 << ((sdcr >>> 4) & 3),
      burstLength: this.sdram.modeBurstLength,
      refreshCount: (this.regs[SDRTR >>> 2] >>> 1) & 0x1fff,
      openRows: this.sdram.openRows,
    };
  }

  /** Why SDRAM is not usable now (null when it is), and whether the access would fault. */
  notReadyReason(): { phase: string; busError: boolean } | null {
    if (this.clocks.clockEnabled && !this.clocks.clockEnabled()) return { phase: 'FMC clock not enabled (RCC_AHB3ENR.FMCEN = 0)', busError: true };
    if ((this.regs[BCR1 >>> 2] & BCR_FMCEN) === 0) return { phase: 'FMC disabled (FMC_BCR1.FMCEN = 0)', busError: true };
    if (((this.regs[SDCR1 >>> 2] >>> 10) & 3) < 2) return { phase: 'SDRAM clock off (FMC_SDCR1.SDCLK = 00)', busError: false };
    const phase = this.sdram.initPhase;
    return phase === null ? null : { phase, busError: false };
  }

  /** Called by the window for an access while not usable: reports once per phase, then faults or degrades. */
  accessBeforeInit(addr: number, isWrite: boolean): boolean {
    this.updateUsable();
    if (this.usable) {
      this.notify(); // became usable without an FMC register write (the RCC clock was enabled later)
      return true;
    }
    const reason = this.notReadyReason()!;
    this.beforeInitAccesses++;
    const what = reason.busError
      ? 'the access gets an AXI error response → BusFault (RM0433 §22, AXI interface: an access to a disabled FMC bank is answered with an AXI error)'
      : isWrite
        ? 'the chip ignores the write (data lost)'
        : 'the read returns undefined data (here: the power-on contents)';
    if (!this.reportedPhases.has(reason.phase)) {
      this.reportedPhases.add(reason.phase);
      this.context.rule(Rule.SdramBeforeInit, addr, isWrite, `SDRAM ${isWrite ? 'write' : 'read'} at 0x${hex(addr)} while ${reason.phase}: ${what}`);
    }
    if (reason.busError) throw new BusError(addr, isWrite, `SDRAM access while ${reason.phase}`);
    return false;
  }

  private updateUsable(): void {
    this.usable = this.notReadyReason() === null;
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case SDCR1:
      case SDTR1:
      case SDCMR:
        return this.regs[offset >>> 2];
      case SDSR:
        // RE = 0 (no refresh error), MODES1 from the last command; bank 2 has no chip (normal mode).
        return this.modes1 << 1;
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case BCR1:
        this.regs[offset >>> 2] = value;
        // BMAP (bits 25:24) swaps the SDRAM and NOR windows (RM0433 §22.7, FMC_BCR1): not modelled.
        if ((value >>> 24) & 3) this.context.unmodelled(this.name, BCR1, true, value);
        break;
      case SDCR1:
        this.regs[offset >>> 2] = value & 0x7fff;
        this.sdram.setGeometry(8 + (value & 3), (value & (1 << 6)) !== 0 ? 4 : 2);
        break;
      case SDTR1:
        this.regs[offset >>> 2] = value & 0x0fff_ffff;
        break;
      case SDCMR:
        // MODE reads back 0 once the command is issued (here at once); the other fields keep what was
        // written. [GAP] RM0433 does not say what SDCMR reads back. ST's HAL up to v1.9 (stm32h7xx_ll_fmc.c
        // FMC_SDRAM_SendCommand, used by libDaisy up to v5.4) issues each command with SET_BIT, a
        // read-modify-write: with MODE read back, PALL after clock-enable would become auto-refresh and
        // the load-mode command a reserved MODE 7, yet that HAL brought SDRAM up on shipped boards.
        this.regs[offset >>> 2] = value & 0x007f_fff8;
        this.command(value);
        break;
      case SDSR:
        return true; // read-only
      default:
        return false;
    }
    this.updateUsable();
    this.notify();
    return true;
  }

  /** Executes an SDCMR command on bank 1's chip (CTB1, bit 4). Bank 2 (CTB2) has no chip on the Daisy. */
  private command(value: number): void {
    const mode = value & 7;
    if ((value & (1 << 4)) === 0) return;
    // The command reaches the chip only with the FMC enabled and SDCLK running (RM0433 §22.9, SDRAM initialisation).
    if ((this.regs[BCR1 >>> 2] & BCR_FMCEN) === 0 || ((this.regs[SDCR1 >>> 2] >>> 10) & 3) < 2) return;
    const seconds = this.context.clock.cycles / this.clocks.cpuHz();
    switch (mode) {
      case SdramCommand.Normal:
        this.modes1 = 0;
        break;
      case SdramCommand.ClockEnable:
        this.sdram.clockEnable(seconds);
        break;
      case SdramCommand.PrechargeAll:
        this.sdram.prechargeAll(seconds);
        break;
      case SdramCommand.AutoRefresh:
        this.sdram.autoRefresh(((value >>> 5) & 0xf) + 1);
        break;
      case SdramCommand.LoadModeRegister: {
        const mrd = (value >>> 9) & 0x3fff;
        this.sdram.loadModeRegister(mrd);
        const fmcCas = (this.regs[SDCR1 >>> 2] >>> 7) & 3;
        const chipCas = (mrd >>> 4) & 7;
        if (this.sdram.modeRegister === mrd && chipCas !== fmcCas) {
          this.context.rule(Rule.SdramCasMismatch, this.base + SDCMR, true, `mode register CAS latency ${chipCas} but FMC_SDCR1.CAS = ${fmcCas}: the FMC samples read data on the wrong SDCLK edge`);
        }
        break;
      }
      case SdramCommand.SelfRefresh:
        this.modes1 = 1;
        break;
      case SdramCommand.PowerDown:
        this.modes1 = 2;
        break;
      default:
        this.context.unmodelled(this.name, SDCMR, true, value);
    }
  }
}

/** The SDRAM bank 1 window (0xC000_0000, 64 MB) as the system bus sees it. Addresses are absolute. */
class SdramWindow implements MemoryDevice {
  readonly name = 'SDRAM';

  constructor(
    private readonly fmc: Fmc,
    private readonly chip: Sdram,
    private readonly context: SocContext,
  ) {}

  read(addr: number, size: AccessSize): number {
    const offset = (addr - SDRAM_BANK1_BASE) >>> 0;
    if (offset >= SDRAM_SIZE) throw new BusError(addr, false, 'outside SDRAM bank 1');
    if (!this.fmc.usable && !this.fmc.accessBeforeInit(addr, false)) return this.chip.peek(offset, size);
    const chip = this.chip;
    const value = chip.readTracked(offset, size);
    if (chip.lastReadUninitialised && chip.noteUninitialisedRead(offset)) {
      this.context.rule(
        Rule.SdramReadUninitialised,
        addr,
        false,
        `SDRAM read at 0x${hex(addr)} of memory never written since power-on: DRAM powers up with random contents (.sdram_bss is never zeroed); later reads of this and the following lines are counted, not reported`,
      );
    }
    return value;
  }

  write(addr: number, value: number, size: AccessSize): void {
    const offset = (addr - SDRAM_BANK1_BASE) >>> 0;
    if (offset >= SDRAM_SIZE) throw new BusError(addr, true, 'outside SDRAM bank 1');
    if (!this.fmc.usable && !this.fmc.accessBeforeInit(addr, true)) return;
    this.chip.touchRow(offset);
    this.chip.poke(offset, value, size);
  }

  peek(addr: number, size: AccessSize): number {
    return this.chip.peek((addr - SDRAM_BANK1_BASE) >>> 0, size);
  }

  poke(addr: number, value: number, size: AccessSize): void {
    this.chip.poke((addr - SDRAM_BANK1_BASE) >>> 0, value, size);
  }

  loadImage(addr: number, bytes: Uint8Array): void {
    const offset = (addr - SDRAM_BANK1_BASE) >>> 0;
    for (let i = 0; i < bytes.length; i++) this.chip.poke(offset + i, bytes[i], 1);
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
