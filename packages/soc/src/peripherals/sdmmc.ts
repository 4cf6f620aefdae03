import { BusError, type SocContext } from '@seedsim/core';
import type { SdCard, SdResponse } from '../devices/sd-card.js';
import { Rule } from '../rules.js';
import type { DmaAccessObserver, DmaBusPort } from './dma.js';
import { RCC, type Rcc } from './rcc.js';
import { RegisterBlock } from './register-block.js';

/** Register offsets (RM0433 SDMMC chapter, "SDMMC registers"; offsets from the SVD). */
export const SDMMC = {
  POWER: 0x00,
  CLKCR: 0x04,
  ARGR: 0x08,
  CMDR: 0x0c,
  RESPCMDR: 0x10,
  RESP1: 0x14,
  RESP2: 0x18,
  RESP3: 0x1c,
  RESP4: 0x20,
  DTIMER: 0x24,
  DLENR: 0x28,
  DCTRL: 0x2c,
  DCNTR: 0x30,
  STAR: 0x34,
  ICR: 0x38,
  MASKR: 0x3c,
  ACKTIMER: 0x40,
  IDMACTRLR: 0x50,
  IDMABSIZER: 0x54,
  IDMABASE0R: 0x58,
  IDMABASE1R: 0x5c,
  FIFOR: 0x80,
  VER: 0x3f4,
  ID: 0x3f8,
} as const;

/** SDMMC_STAR bits (the same positions in ICR and MASKR where they exist). */
export const SDMMC_STA = {
  CCRCFAIL: 1 << 0,
  DCRCFAIL: 1 << 1,
  CTIMEOUT: 1 << 2,
  DTIMEOUT: 1 << 3,
  TXUNDERR: 1 << 4,
  RXOVERR: 1 << 5,
  CMDREND: 1 << 6,
  CMDSENT: 1 << 7,
  DATAEND: 1 << 8,
  DHOLD: 1 << 9,
  DBCKEND: 1 << 10,
  DABORT: 1 << 11,
  DPSMACT: 1 << 12,
  CPSMACT: 1 << 13,
  TXFIFOHE: 1 << 14,
  RXFIFOHF: 1 << 15,
  TXFIFOF: 1 << 16,
  RXFIFOF: 1 << 17,
  TXFIFOE: 1 << 18,
  RXFIFOE: 1 << 19,
  BUSYD0: 1 << 20,
  BUSYD0END: 1 << 21,
  IDMATE: 1 << 27,
  IDMABTC: 1 << 28,
} as const;
const S = SDMMC_STA;

/** Flags cleared through ICR (RM0433 SDMMC_ICR): bits 11:0 and 28:21. */
const STATIC_FLAGS = 0x1fe0_0fff;
/** Interrupt enables that exist in SDMMC_MASKR (SVD). */
const MASK_BITS = 0x17e6_cfff;
/** FIFO-level flags that can interrupt: their level changes with every word on the bus. */
const FIFO_IRQ_FLAGS = S.TXFIFOHE | S.RXFIFOHF | S.RXFIFOF | S.TXFIFOE;

// POWER.
const PWRCTRL_ON = 3;
const POWER_VSWITCH = 1 << 2;
const POWER_VSWITCHEN = 1 << 3;
// CLKCR.
const CLKCR_DDR = 1 << 18;
// CMDR.
const CMDR_CMDTRANS = 1 << 6;
const CMDR_CMDSTOP = 1 << 7;
const CMDR_WAITINT = 1 << 10;
const CMDR_WAITPEND = 1 << 11;
const CMDR_CPSMEN = 1 << 12;
const CMDR_DTHOLD = 1 << 13;
const CMDR_BOOT_SUSPEND = (1 << 14) | (1 << 15) | (1 << 16);
// DCTRL.
const DCTRL_DTEN = 1 << 0;
const DCTRL_DTDIR = 1 << 1;
const DCTRL_FIFORST = 1 << 13;
/** RWSTART, RWSTOP, RWMOD, SDIOEN, BOOTACKEN: SDIO read wait and boot features, not modelled. */
const DCTRL_UNMODELLED = 0x1f00;
// IDMACTRLR.
const IDMA_EN = 1 << 0;
const IDMA_BMODE = 1 << 1;

/** The receive and transmit FIFO holds 16 words (RM0433 SDMMC chapter, "SDMMC FIFO"); half is 8. */
const FIFO_WORDS = 16;
const FIFO_HALF = 8;

// Bus timing in SDMMC_CK periods (SD spec, "Timings"; RM0433: the response timeout is fixed at 64 periods).
/** A command token: 48 bits on CMD. */
const COMMAND_BITS = 48;
/** N_CR: command end to response start, 2 to 64 periods; cards answer at the minimum here. */
const N_CR = 2;
const SHORT_RESPONSE_BITS = 48;
const LONG_RESPONSE_BITS = 136;
const RESPONSE_TIMEOUT = 64;
/** N_AC for reads (access time before each data block; SDHC allows up to 100 ms, a fast card answers in a few periods). */
const READ_ACCESS = 8;
/** N_WR: end of the response (or the previous block) to the write data's start bit. */
const N_WR = 2;
/** Start bit, CRC16 on each line, end bit. */
const BLOCK_FRAMING = 1 + 16 + 1;
/** The card's CRC status token after a written block: 2 periods, start, 3 status bits, end (SD spec, "Data Write"). */
const CRC_STATUS = 2 + 5;

/** SDMMC1 global interrupt (RM0433 interrupt vector table, position 49; the SVD agrees). */
export const SDMMC1_IRQ = 49;
export const SDMMC1_BASE = 0x5200_7000;

/** Kernel clock of the SDMMC and the CPU clock. */
export interface SdmmcClocks {
  /** sdmmc_ker_ck in Hz (RCC_D1CCIPR.SDMMCSEL, bit 16: 0 = pll1_q_ck, 1 = pll2_r_ck). */
  kernelHz(): number;
  cpuHz(): number;
}

export function sdmmcClocksFrom(rcc: Rcc): SdmmcClocks {
  const tree = rcc.clockTree;
  return {
    kernelHz: () => ((rcc.register(RCC.D1CCIPR) >>> 16) & 1 ? tree.clocks.pll2.r : tree.clocks.pll1.q),
    cpuHz: () => tree.clocks.cpu,
  };
}

/**
 * Memory the SDMMC1 IDMA cannot reach (AN4891 §2.4.3: SDMMC1 is an AXI master in D1; it has no path to
 * the TCMs, nor to the D2 and D3 SRAMs). Returns the memory's name and the rule to report, or null.
 */
function unreachableByIdma(addr: number): { memory: string; rule: string } | null {
  const a = addr >>> 0;
  if (a < 0x0001_0000) return { memory: 'ITCM', rule: Rule.DmaToTcm };
  if (a >>> 17 === 0x2000_0000 >>> 17) return { memory: 'DTCM', rule: Rule.DmaToTcm };
  if (a >= 0x3000_0000 && a < 0x3004_8000) return { memory: 'D2 SRAM', rule: Rule.DmaBusError };
  if (a >= 0x3800_0000 && a < 0x3801_0000) return { memory: 'D3 SRAM4', rule: Rule.DmaBusError };
  return null;
}

const enum Dpsm {
  Idle,
  /** Enabled (DTEN or a CMDTRANS command) and waiting for the card's data. */
  WaitReceive,
  Receive,
  Send,
}

/** One data transfer on the bus, timed from its first block (all times in CPU cycles). */
interface Transfer {
  receive: boolean;
  idma: boolean;
  blockSize: number;
  blocks: number;
  bytes: number;
  data: Uint8Array;
  /** Cycle when the first block's lead-in (access time / N_WR) starts. */
  start: number;
  /** CPU cycles per SDMMC_CK period. */
  cyclesPerClock: number;
  /** Data bits moved per SDMMC_CK period (lines × 2 in DDR). */
  bitsPerClock: number;
  /** SDMMC_CK periods before the first data bit of each block. */
  lead: number;
  /** SDMMC_CK periods per block, lead-in to end of CRC (and CRC status for writes). */
  blockPeriod: number;
  blocksDone: number;
  /** FIFO mode: words the CPU has read (receive) or written (transmit). */
  cpuWords: number;
  idmaAddress: number;
}

/**
 * SDMMC1 (RM0433 SDMMC chapter; the SDMMC v2 IP of the H7) in front of an {@link SdCard}.
 *
 * Command path: a CMDR write with CPSMEN sends the command; CMDSENT (no response), CMDREND, CCRCFAIL
 * (a response whose CRC7 field is not a CRC: R3, unless WAITRESP = 10 says not to check) or CTIMEOUT
 * (no card, or the card ignores the command: 64 SDMMC_CK periods) rise one clock event later, after
 * 48 + N_CR + 48 (or 136) periods. A short response with CMDTRANS = 0 from a card holding DAT0 busy sets
 * BUSYD0 and keeps CPSMACT until the busy ends (BUSYD0END).
 *
 * Data path: block mode (DTMODE = 0), started by a CMDTRANS command or DTEN. Each block takes its
 * lead-in, start bit, blocksize × 8 / bus-width periods, CRC16 and end bit (and the CRC status for
 * writes); DATAEND rises at the end of the last block. With IDMA (single buffer) each block moves
 * between memory and the card at its end through the system bus; without IDMA the FIFO fills (or drains)
 * one word at a time as the periods pass, computed when read. SDMMC_CK = sdmmc_ker_ck / (2 × CLKDIV)
 * (CLKDIV = 0: undivided); WIDBUS 1/4/8 lines; DDR doubles the data rate. After a written block the card
 * programs for {@link SdCard.programSeconds} with DAT0 busy.
 *
 * A receive enabled with DTEN waits for the card's data for DATATIME (SDMMC_DTIMER) SDMMC_CK periods,
 * counted from the DTEN write; when no data has started by then (empty slot, a command the card ignores
 * or answers without data) DTIMEOUT rises and the DPSM returns to Idle.
 *
 * Not modelled: FIFO overrun/underrun (the FIFO behaves as with HWFC_EN: the bus waits), data CRC
 * errors, DTIMEOUT of a CMDTRANS data command the card does not answer (the DPSM stays idle; the command
 * itself ends in CTIMEOUT), the busy timeout after a write, IDMA double-buffer mode, SDIO, boot mode,
 * voltage switching, read wait, DTHOLD (reported as unmodelled).
 */
export class Sdmmc extends RegisterBlock {
  readonly irq: number;
  private card: SdCard | null = null;
  private flags = 0;
  private cpsmActive = false;
  private busyD0 = false;
  /** The command in flight: its completion event and the card's answer. */
  private commandEvent: object | null = null;
  private pendingResponse: SdResponse | null = null;
  private pendingCmdr = 0;
  private dpsm = Dpsm.Idle;
  private transfer: Transfer | null = null;
  private transferEvent: object | null = null;
  private fifoEvent: object | null = null;
  /** Receive FIFO words left over after a transfer ended (readable until the next transfer). */
  private leftover: number[] = [];
  private programmingEvent: object | null = null;
  /** The CPSM waits for the card's busy to end (a short response while DAT0 was held low). */
  private waitingForBusy = false;
  private irqLevel = false;
  private observer: DmaAccessObserver | null = null;
  private readonly reported = new Set<string>();
  private readonly onCommandDone = (): void => this.completeCommand();
  private readonly onBlockDone = (): void => this.blockEnded();
  private readonly onProgrammed = (): void => this.programmingEnded();
  private readonly onDataTimeout = (): void => this.dataTimedOut();
  private readonly onFifoTick = (): void => {
    this.fifoEvent = null;
    this.updateIrq();
  };

  constructor(
    context: SocContext,
    private readonly clocks: SdmmcClocks,
    private readonly bus: DmaBusPort,
    options: { name?: string; base?: number; irq?: number } = {},
  ) {
    super(options.name ?? 'SDMMC1', options.base ?? SDMMC1_BASE, 0x400, context, 'SDMMC1');
    this.irq = options.irq ?? SDMMC1_IRQ;
    // RM0433 gives SDMMC_RESPCMDR a reset value of 0 (the SVD's 0xA3C5DD01 is not a reset value).
    this.regs[SDMMC.RESPCMDR >>> 2] = 0;
    this.stored(SDMMC.ARGR, SDMMC.DTIMER, SDMMC.ACKTIMER, SDMMC.IDMABSIZER, SDMMC.IDMABASE1R);
    // Commands, responses and IDMA blocks end at clock events; STAR and DCNTR also, except during a
    // FIFO-mode transfer (see eventStableRead). Not FIFOR (a FIFO pop).
    this.eventStable(SDMMC.POWER, SDMMC.CLKCR, SDMMC.ARGR, SDMMC.CMDR, SDMMC.RESPCMDR, SDMMC.RESP1, SDMMC.RESP2, SDMMC.RESP3, SDMMC.RESP4);
    this.eventStable(SDMMC.DTIMER, SDMMC.DLENR, SDMMC.DCTRL, SDMMC.ICR, SDMMC.MASKR, SDMMC.ACKTIMER);
    this.eventStable(SDMMC.IDMACTRLR, SDMMC.IDMABSIZER, SDMMC.IDMABASE0R, SDMMC.IDMABASE1R, SDMMC.VER, SDMMC.ID);
  }

  /**
   * STAR and DCNTR are event-stable unless a FIFO-mode (non-IDMA) transfer is running: then the FIFO
   * level and the count left are computed from clock.cycles at the read (words arrive between events).
   */
  override eventStableRead(offset: number): boolean {
    const o = offset & ~3;
    if (o === SDMMC.STAR || o === SDMMC.DCNTR) return this.transfer === null || this.transfer.idma;
    return super.eventStableRead(offset);
  }

  /** Inserts a card (null removes it: commands then time out, as with an empty slot). */
  insert(card: SdCard | null): void {
    this.card = card;
  }

  get inserted(): SdCard | null {
    return this.card;
  }

  /** Installs the cache model's coherency hook for IDMA memory accesses (null removes it), as for DMA1/DMA2. */
  setAccessObserver(observer: DmaAccessObserver | null): void {
    this.observer = observer;
  }

  protected override onReset(): void {
    const clock = this.context.clock;
    for (const e of [this.commandEvent, this.transferEvent, this.fifoEvent, this.programmingEvent]) clock.cancel(e);
    this.commandEvent = this.transferEvent = this.fifoEvent = this.programmingEvent = null;
    this.flags = 0;
    this.cpsmActive = false;
    this.busyD0 = false;
    this.waitingForBusy = false;
    this.dpsm = Dpsm.Idle;
    this.transfer = null;
    this.leftover = [];
    this.regs[SDMMC.RESPCMDR >>> 2] = 0;
    this.irqLevel = false;
    this.context.setIrq(this.irq, false);
  }

  private reg(offset: number): number {
    return this.regs[offset >>> 2];
  }

  private reportOnce(key: string, offset: number, value: number): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.context.unmodelled(this.name, offset, true, value);
  }

  private get poweredOn(): boolean {
    return (this.reg(SDMMC.POWER) & 3) === PWRCTRL_ON;
  }

  /** SDMMC_CK in Hz: sdmmc_ker_ck / (2 × CLKDIV), or undivided when CLKDIV = 0 (RM0433 SDMMC_CLKCR). */
  busClockHz(): number {
    const div = this.reg(SDMMC.CLKCR) & 0x3ff;
    const kernel = this.clocks.kernelHz();
    return div === 0 ? kernel : kernel / (2 * div);
  }

  /** Data lines from WIDBUS: 00 = 1, 01 = 4, 10 = 8. */
  get busWidth(): number {
    return [1, 4, 8, 8][(this.reg(SDMMC.CLKCR) >>> 14) & 3];
  }

  private cyclesPerClock(): number {
    const hz = this.busClockHz();
    return hz > 0 ? this.clocks.cpuHz() / hz : Infinity;
  }

  /** STAR: the sticky flags plus the state machine, FIFO and DAT0 status at this cycle. */
  status(): number {
    let v = this.flags;
    if (this.cpsmActive) v |= S.CPSMACT;
    if (this.dpsm !== Dpsm.Idle) v |= S.DPSMACT;
    if (this.busyD0) v |= S.BUSYD0;
    // FIFO flags: those of the direction in use during a FIFO-mode transfer, and of words left in the
    // receive FIFO after one; otherwise none (STAR resets to 0, RM0433 SDMMC_STAR).
    const t = this.transfer;
    if (t !== null && !t.idma && !t.receive) {
      const level = this.txLevel(t);
      if (level <= FIFO_HALF) v |= S.TXFIFOHE;
      if (level >= FIFO_WORDS) v |= S.TXFIFOF;
      if (level === 0) v |= S.TXFIFOE;
    } else if ((t !== null && !t.idma) || this.leftover.length > 0) {
      const level = t !== null ? this.rxLevel(t) : this.leftover.length;
      if (level >= FIFO_HALF) v |= S.RXFIFOHF;
      if (level >= FIFO_WORDS) v |= S.RXFIFOF;
      if (level === 0) v |= S.RXFIFOE;
    }
    return v >>> 0;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset >= SDMMC.FIFOR && offset < SDMMC.FIFOR + 0x40) return this.readFifo();
    switch (offset) {
      case SDMMC.STAR:
        return this.status();
      case SDMMC.ICR:
        return 0;
      case SDMMC.DCNTR:
        return this.dataCount();
      case SDMMC.POWER:
      case SDMMC.CLKCR:
      case SDMMC.CMDR:
      case SDMMC.RESPCMDR:
      case SDMMC.RESP1:
      case SDMMC.RESP2:
      case SDMMC.RESP3:
      case SDMMC.RESP4:
      case SDMMC.DLENR:
      case SDMMC.DCTRL:
      case SDMMC.MASKR:
      case SDMMC.IDMACTRLR:
      case SDMMC.IDMABASE0R:
      case SDMMC.VER:
      case SDMMC.ID:
        return this.reg(offset);
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (offset >= SDMMC.FIFOR && offset < SDMMC.FIFOR + 0x40) {
      this.writeFifo(value);
      return true;
    }
    switch (offset) {
      case SDMMC.POWER:
        this.writePower(value);
        return true;
      case SDMMC.CLKCR:
        // Writable only while CPSM and DPSM are idle (RM0433 SDMMC_CLKCR); the bits are kept either way.
        this.regs[offset >>> 2] = value & 0x003f_d3ff;
        return true;
      case SDMMC.CMDR:
        this.writeCmdr(value);
        return true;
      case SDMMC.DLENR:
        if (this.dpsm === Dpsm.Idle) this.regs[offset >>> 2] = value & 0x01ff_ffff;
        return true;
      case SDMMC.DCTRL:
        this.writeDctrl(value);
        return true;
      case SDMMC.ICR:
        this.flags &= ~(value & STATIC_FLAGS);
        this.updateIrq();
        return true;
      case SDMMC.MASKR:
        this.regs[offset >>> 2] = value & MASK_BITS;
        this.scheduleFifoTick();
        this.updateIrq();
        return true;
      case SDMMC.IDMACTRLR:
        if (this.dpsm === Dpsm.Idle) this.regs[offset >>> 2] = value & 7;
        if (value & IDMA_BMODE) this.reportOnce('idma-double', offset, value);
        return true;
      case SDMMC.IDMABASE0R:
        this.regs[offset >>> 2] = value;
        return true;
      case SDMMC.STAR:
      case SDMMC.DCNTR:
      case SDMMC.RESPCMDR:
      case SDMMC.RESP1:
      case SDMMC.RESP2:
      case SDMMC.RESP3:
      case SDMMC.RESP4:
      case SDMMC.VER:
      case SDMMC.ID:
        return true; // read-only
      default:
        return false;
    }
  }

  private writePower(value: number): void {
    const was = this.reg(SDMMC.POWER) & 3;
    this.regs[SDMMC.POWER >>> 2] = value & 0x1f;
    if (value & (POWER_VSWITCH | POWER_VSWITCHEN)) this.reportOnce('vswitch', SDMMC.POWER, value);
    // Power off (00) or power cycle (10): the card loses its supply and returns to idle (SD spec, power-up).
    if (was === PWRCTRL_ON && (value & 3) !== PWRCTRL_ON) this.card?.command(0, 0);
  }

  private writeCmdr(value: number): void {
    const old = this.reg(SDMMC.CMDR);
    // CPSMEN is cleared by hardware when the CPSM returns to Idle; the other bits are written while it is idle.
    if (this.cpsmActive) {
      this.regs[SDMMC.CMDR >>> 2] = (old & ~CMDR_CMDSTOP & ~CMDR_CMDTRANS) | (value & (CMDR_CMDSTOP | CMDR_CMDTRANS)) | CMDR_CPSMEN;
      return;
    }
    this.regs[SDMMC.CMDR >>> 2] = value & 0x0001_ffff;
    if (value & (CMDR_WAITINT | CMDR_WAITPEND | CMDR_BOOT_SUSPEND)) this.reportOnce('cmdr-mode', SDMMC.CMDR, value);
    if (value & CMDR_DTHOLD) this.reportOnce('dthold', SDMMC.CMDR, value);
    if (value & CMDR_CPSMEN) this.sendCommand(value);
  }

  /** Starts the command in CMDR: the card answers now; the host sees it when the token has crossed the bus. */
  private sendCommand(cmdr: number): void {
    const index = cmdr & 0x3f;
    const waitResponse = (cmdr >>> 8) & 3;
    this.cpsmActive = true;
    this.pendingCmdr = cmdr;
    const card = this.poweredOn ? this.card : null;
    // CMDSTOP: the CPSM signals Abort to the DPSM when the command is sent (RM0433 SDMMC_CMDR.CMDSTOP).
    if (cmdr & CMDR_CMDSTOP && this.dpsm !== Dpsm.Idle) this.abortData();
    const response = card ? card.command(index, this.reg(SDMMC.ARGR)) : null;
    this.pendingResponse = response;
    let clocks = COMMAND_BITS;
    if (waitResponse !== 0) clocks += response === null ? RESPONSE_TIMEOUT : N_CR + (waitResponse === 3 ? LONG_RESPONSE_BITS : SHORT_RESPONSE_BITS);
    const cpc = this.cyclesPerClock();
    if (!Number.isFinite(cpc)) {
      // No SDMMC_CK: the command never leaves.
      this.context.rule(Rule.PeripheralNoClock, this.base + SDMMC.CMDR, true, `${this.name} command ${index} sent with no kernel clock: D1CCIPR.SDMMCSEL selects PLL1Q or PLL2R and it is not running`);
      return;
    }
    this.commandEvent = this.context.clock.schedule(this.context.clock.cycles + Math.max(1, Math.ceil(clocks * cpc)), this.onCommandDone);
    this.updateIrq();
  }

  private completeCommand(): void {
    this.commandEvent = null;
    const cmdr = this.pendingCmdr;
    const waitResponse = (cmdr >>> 8) & 3;
    const response = this.pendingResponse;
    this.pendingResponse = null;
    if (waitResponse === 0) {
      this.flags |= S.CMDSENT;
    } else if (response === null) {
      this.flags |= S.CTIMEOUT;
    } else {
      this.regs[SDMMC.RESPCMDR >>> 2] = response.index & 0x3f;
      const w = response.words;
      if (waitResponse === 3) {
        // Long response: RESP1 = bits 127:96 … RESP4 = bits 31:1 with bit 0 read as 0 (RM0433 SDMMC_RESPxR).
        for (let i = 0; i < 4; i++) this.regs[(SDMMC.RESP1 >>> 2) + i] = (w[i] ?? 0) >>> 0;
        this.regs[SDMMC.RESP4 >>> 2] &= ~1;
      } else {
        this.regs[SDMMC.RESP1 >>> 2] = (w[0] ?? 0) >>> 0;
      }
      // WAITRESP = 10 is "short response, no CRC": CMDREND whatever the CRC field holds (RM0433 SDMMC_CMDR).
      this.flags |= !response.hasCrc && waitResponse !== 2 ? S.CCRCFAIL : S.CMDREND;
    }
    const dataCommand = (cmdr & CMDR_CMDTRANS) !== 0;
    if (response?.data && (dataCommand || this.dpsm === Dpsm.WaitReceive)) {
      this.startTransfer(response.data === 'read');
    } else if (response?.data === 'read') {
      // Nobody receives: the card still sends its block(s); a single block returns it to tran.
      this.card?.readBlock(512);
    }
    // Otherwise a DPSM waiting to receive (DTEN) gets no data from this command: it keeps waiting until
    // its data timeout (scheduled at the DTEN write) unless a later command brings data.
    // Busy on DAT0 after a short response to a non-data command (R1b, or a card still programming).
    if (response !== null && waitResponse !== 3 && !dataCommand && this.card?.busy) {
      this.busyD0 = true;
      this.waitingForBusy = true;
      this.startProgramming(); // CMD12 after a multiple-block write: programming starts now
    } else {
      this.endCommand();
    }
    this.updateIrq();
  }

  private endCommand(): void {
    this.cpsmActive = false;
    this.regs[SDMMC.CMDR >>> 2] &= ~CMDR_CPSMEN;
  }

  private writeDctrl(value: number): void {
    if (value & DCTRL_UNMODELLED) this.reportOnce('dctrl', SDMMC.DCTRL, value);
    if (value & DCTRL_FIFORST) this.leftover = [];
    if (this.dpsm !== Dpsm.Idle) return; // the configuration bits are written only while the DPSM is idle
    this.regs[SDMMC.DCTRL >>> 2] = value & 0x1fff & ~DCTRL_FIFORST;
    if (((value >>> 2) & 3) !== 0) this.reportOnce('dtmode', SDMMC.DCTRL, value);
    if (value & DCTRL_DTEN) {
      // DTEN without a data command (RM0433 SDMMC_DCTRL.DTEN): receive waits for the card; send starts now.
      if (value & DCTRL_DTDIR) this.waitForData();
      else this.startTransfer(false);
    }
    this.updateIrq();
  }

  /**
   * Wait_R (RM0433 SDMMC data path): the data timer counts DATATIME SDMMC_CK periods from now; a transfer
   * that starts first cancels it. Without SDMMC_CK the timer does not count.
   */
  private waitForData(): void {
    this.dpsm = Dpsm.WaitReceive;
    const cpc = this.cyclesPerClock();
    if (!Number.isFinite(cpc)) return;
    const periods = this.reg(SDMMC.DTIMER) >>> 0;
    this.transferEvent = this.context.clock.schedule(this.context.clock.cycles + Math.max(1, Math.ceil(periods * cpc)), this.onDataTimeout);
  }

  private dataTimedOut(): void {
    this.transferEvent = null;
    if (this.dpsm !== Dpsm.WaitReceive) return;
    this.flags |= S.DTIMEOUT;
    this.stopTransfer();
    this.updateIrq();
  }

  /** Starts a block transfer of DLEN bytes in DBLOCKSIZE blocks (a DLEN remainder is not transferred). */
  private startTransfer(receive: boolean): void {
    this.context.clock.cancel(this.transferEvent); // the data timeout of a DPSM waiting to receive
    this.transferEvent = null;
    const dctrl = this.reg(SDMMC.DCTRL);
    const blockSize = 2 ** Math.min(14, (dctrl >>> 4) & 0xf);
    const blocks = Math.floor(this.reg(SDMMC.DLENR) / blockSize);
    const bytes = blocks * blockSize;
    const idma = (this.reg(SDMMC.IDMACTRLR) & IDMA_EN) !== 0;
    const clkcr = this.reg(SDMMC.CLKCR);
    const lines = this.busWidth;
    const ddr = (clkcr & CLKCR_DDR) !== 0 && lines > 1 && (clkcr & 0x3ff) !== 0;
    const bitsPerClock = lines * (ddr ? 2 : 1);
    const lead = (receive ? READ_ACCESS : N_WR) + 1;
    const dataClocks = (blockSize * 8) / bitsPerClock;
    const t: Transfer = {
      receive,
      idma,
      blockSize,
      blocks,
      bytes,
      data: new Uint8Array(bytes),
      start: this.context.clock.cycles,
      cyclesPerClock: this.cyclesPerClock(),
      bitsPerClock,
      lead,
      blockPeriod: lead + dataClocks + 16 + 1 + (receive ? 0 : CRC_STATUS),
      blocksDone: 0,
      cpuWords: 0,
      idmaAddress: this.reg(SDMMC.IDMABASE0R) & ~3, // IDMABASE0 bits 1:0 are ignored (word aligned)
    };
    this.leftover = [];
    this.transfer = t;
    this.dpsm = receive ? Dpsm.Receive : Dpsm.Send;
    if (receive && this.card) for (let b = 0; b < blocks; b++) t.data.set(this.card.readBlock(blockSize), b * blockSize);
    if (idma && !this.checkIdmaRange(t)) return;
    if (!receive && idma && !this.idmaCopy(t, 0, bytes)) return;
    if (blocks === 0 || !Number.isFinite(t.cyclesPerClock)) {
      if (blocks === 0) this.finishTransfer();
      return;
    }
    if (idma || receive) this.scheduleBlockEnd(t);
    this.scheduleFifoTick();
  }

  /** IDMA target check at the start of the transfer; false when the transfer ended in an IDMA error. */
  private checkIdmaRange(t: Transfer): boolean {
    const first = unreachableByIdma(t.idmaAddress);
    const last = t.bytes > 0 ? unreachableByIdma(t.idmaAddress + t.bytes - 1) : null;
    const bad = first ?? last;
    if (bad === null) return true;
    const addr = first !== null ? t.idmaAddress : t.idmaAddress + t.bytes - 1;
    this.context.rule(
      bad.rule,
      addr >>> 0,
      t.receive,
      `${this.name} IDMA ${t.receive ? 'writes' : 'reads'} ${bad.memory} at 0x${hex(addr)} (IDMABASE0R): SDMMC1 is an AXI master that cannot reach ${bad.memory} (AN4891 §2.4.3); the transfer stops with IDMATE and ${t.receive ? 'RXOVERR' : 'TXUNDERR'} (RM0433 SDMMC_STAR)`,
    );
    this.idmaError(t);
    return false;
  }

  private idmaError(t: Transfer): void {
    this.flags |= S.IDMATE | (t.receive ? S.RXOVERR : S.TXUNDERR);
    this.stopTransfer();
    this.updateIrq();
  }

  /** Moves bytes [from, to) of the transfer between memory and the transfer buffer through the bus. */
  private idmaCopy(t: Transfer, from: number, to: number): boolean {
    try {
      for (let i = from; i < to; i += 4) {
        const addr = (t.idmaAddress + i) >>> 0;
        if (t.receive) {
          const d = t.data;
          this.bus.write(addr, (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)) >>> 0, 4);
        } else {
          const v = this.bus.read(addr, 4);
          t.data[i] = v & 0xff;
          t.data[i + 1] = (v >>> 8) & 0xff;
          t.data[i + 2] = (v >>> 16) & 0xff;
          t.data[i + 3] = (v >>> 24) & 0xff;
        }
      }
      if (to > from) {
        if (t.receive) this.observer?.onDmaWrite((t.idmaAddress + from) >>> 0, to - from);
        else this.observer?.onDmaRead((t.idmaAddress + from) >>> 0, to - from);
      }
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      this.context.rule(Rule.DmaBusError, e.address, e.isWrite, `${this.name} IDMA: ${e.reason}; IDMATE set and the transfer stopped (RM0433 SDMMC_STAR.IDMATE)`);
      this.idmaError(t);
      return false;
    }
    return true;
  }

  private blockEndCycle(t: Transfer, block: number): number {
    return t.start + Math.max(1, Math.ceil((block + 1) * t.blockPeriod * t.cyclesPerClock));
  }

  private scheduleBlockEnd(t: Transfer): void {
    this.transferEvent = this.context.clock.schedule(this.blockEndCycle(t, t.blocksDone), this.onBlockDone);
  }

  /** A block crossed the bus: IDMA moves it; the last one ends the transfer. */
  private blockEnded(): void {
    this.transferEvent = null;
    const t = this.transfer;
    if (t === null) return;
    const block = t.blocksDone;
    if (t.idma && t.receive && !this.idmaCopy(t, block * t.blockSize, (block + 1) * t.blockSize)) return;
    if (!t.receive) this.card?.writeBlock(t.data.subarray(block * t.blockSize, (block + 1) * t.blockSize));
    t.blocksDone++;
    if (t.blocksDone < t.blocks) this.scheduleBlockEnd(t);
    else this.finishTransfer();
    this.updateIrq();
  }

  /** DATACOUNT reaches 0 with no error: DATAEND, DTEN cleared, DPSM idle; a written card starts programming. */
  private finishTransfer(): void {
    const t = this.transfer;
    if (t !== null && t.receive && !t.idma) this.leftover = this.rxWords(t, t.blocks * (t.blockSize >>> 2), t.cpuWords);
    this.flags |= S.DATAEND;
    this.stopTransfer();
    if (t !== null && !t.receive) this.startProgramming();
  }

  private stopTransfer(): void {
    this.context.clock.cancel(this.transferEvent);
    this.context.clock.cancel(this.fifoEvent);
    this.transferEvent = this.fifoEvent = null;
    this.transfer = null;
    this.dpsm = Dpsm.Idle;
    this.regs[SDMMC.DCTRL >>> 2] &= ~DCTRL_DTEN;
  }

  /** CMD12 with CMDSTOP while the DPSM is active: DABORT, and the transfer stops where it is. */
  private abortData(): void {
    this.flags |= S.DABORT;
    this.stopTransfer();
  }

  /** The card holds DAT0 low while it programs what it received. */
  private startProgramming(): void {
    const card = this.card;
    if (card === null || !card.busy || this.programmingEvent !== null) return;
    const cycles = Math.max(1, Math.ceil(card.programSeconds * this.clocks.cpuHz()));
    this.programmingEvent = this.context.clock.schedule(this.context.clock.cycles + cycles, this.onProgrammed);
  }

  private programmingEnded(): void {
    this.programmingEvent = null;
    this.card?.programmed();
    if (this.busyD0) {
      this.busyD0 = false;
      this.flags |= S.BUSYD0END;
    }
    if (this.waitingForBusy) {
      this.waitingForBusy = false;
      this.endCommand();
    }
    this.updateIrq();
  }

  /** Words of a FIFO-mode receive that have arrived by `cycle`. */
  private rxArrived(t: Transfer, cycle: number): number {
    const wordsPerBlock = Math.max(1, t.blockSize >>> 2);
    const elapsed = (cycle - t.start) / t.cyclesPerClock;
    const block = Math.floor(elapsed / t.blockPeriod);
    if (block >= t.blocks) return t.blocks * wordsPerBlock;
    const within = elapsed - block * t.blockPeriod - t.lead;
    const words = Math.min(wordsPerBlock, Math.max(0, Math.floor((within * t.bitsPerClock) / 32)));
    return block * wordsPerBlock + words;
  }

  private rxLevel(t: Transfer): number {
    return this.rxArrived(t, this.context.clock.cycles) - t.cpuWords;
  }

  private rxWords(t: Transfer, upTo: number, from: number): number[] {
    const out: number[] = [];
    for (let i = from; i < upTo; i++) {
      const d = t.data;
      const b = i * 4;
      out.push((d[b] | (d[b + 1] << 8) | (d[b + 2] << 16) | (d[b + 3] << 24)) >>> 0);
    }
    return out;
  }

  /** Words of a FIFO-mode send that the bus has taken by now (it waits for words not yet written). */
  private txLevel(t: Transfer): number {
    return t.cpuWords - Math.min(t.cpuWords, this.rxArrived(t, this.context.clock.cycles));
  }

  /** FIFOR read: the oldest received word (an empty FIFO reads 0 and nothing moves). */
  private readFifo(): number {
    const t = this.transfer;
    let v = 0;
    if (t !== null && t.receive && !t.idma) {
      if (this.rxLevel(t) > 0) {
        v = this.rxWords(t, t.cpuWords + 1, t.cpuWords)[0];
        t.cpuWords++;
      }
    } else if (this.leftover.length > 0) {
      v = this.leftover.shift() as number;
    }
    this.scheduleFifoTick();
    this.updateIrq();
    return v;
  }

  /** FIFOR write during a FIFO-mode send: the word joins the data; the last one sets the end of the transfer. */
  private writeFifo(value: number): void {
    const t = this.transfer;
    if (t === null || t.receive || t.idma) return;
    const totalWords = t.bytes >>> 2;
    if (t.cpuWords >= totalWords) return;
    const b = t.cpuWords * 4;
    t.data[b] = value & 0xff;
    t.data[b + 1] = (value >>> 8) & 0xff;
    t.data[b + 2] = (value >>> 16) & 0xff;
    t.data[b + 3] = (value >>> 24) & 0xff;
    t.cpuWords++;
    if (t.cpuWords === totalWords) {
      // The bus waited for late words: the transfer ends at its nominal end or one block period after now.
      const nominal = this.blockEndCycle(t, t.blocks - 1);
      const late = this.context.clock.cycles + Math.ceil(t.blockPeriod * t.cyclesPerClock);
      const sent = this.rxArrived(t, this.context.clock.cycles);
      const at = sent >= totalWords - 1 ? nominal : Math.max(nominal, late);
      this.transferEvent = this.context.clock.schedule(Math.max(at, this.context.clock.cycles + 1), () => this.fifoSendDone());
    }
    this.scheduleFifoTick();
    this.updateIrq();
  }

  private fifoSendDone(): void {
    this.transferEvent = null;
    const t = this.transfer;
    if (t === null) return;
    for (let b = 0; b < t.blocks; b++) this.card?.writeBlock(t.data.subarray(b * t.blockSize, (b + 1) * t.blockSize));
    this.finishTransfer();
    this.updateIrq();
  }

  /** While a FIFO-level interrupt is unmasked in FIFO mode, re-evaluate the IRQ at each word on the bus. */
  private scheduleFifoTick(): void {
    const t = this.transfer;
    if (this.fifoEvent !== null || t === null || t.idma || (this.reg(SDMMC.MASKR) & FIFO_IRQ_FLAGS) === 0) return;
    const wordClocks = 32 / t.bitsPerClock;
    this.fifoEvent = this.context.clock.schedule(this.context.clock.cycles + Math.max(1, Math.ceil(wordClocks * t.cyclesPerClock)), () => {
      this.onFifoTick();
      this.scheduleFifoTick();
    });
  }

  /** DCNTR: bytes left in the transfer (RM0433 SDMMC_DCNTR). */
  private dataCount(): number {
    const t = this.transfer;
    if (t === null) return this.dpsm === Dpsm.WaitReceive ? this.reg(SDMMC.DLENR) : 0;
    if (t.idma) return (t.bytes - t.blocksDone * t.blockSize) >>> 0;
    return Math.max(0, t.bytes - 4 * (t.receive ? this.rxArrived(t, this.context.clock.cycles) : Math.min(t.cpuWords, this.rxArrived(t, this.context.clock.cycles))));
  }

  private updateIrq(): void {
    const level = (this.status() & this.reg(SDMMC.MASKR)) !== 0;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.context.setIrq(this.irq, level);
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
