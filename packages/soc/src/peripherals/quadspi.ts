import { BusError, type AccessSize, type SocContext } from '@seedsim/core';
import type { MemoryDevice } from '../memory-device.js';
import { Rule } from '../rules.js';
import { Is25lp064a, QSPI_FLASH_SIZE, type FlashComplaint, type FlashTransaction } from '../devices/qspi-flash.js';
import { RegisterBlock } from './register-block.js';
import type { ClockTree } from './clock-tree.js';

/** Clock inputs of QUADSPI (from the RCC clock tree). */
export interface QuadspiClocks {
  /** quadspi_ker_ck in Hz (RCC_D1CCIPR.QSPISEL: HCLK3 = 200 MHz on the Daisy at 400 MHz). */
  kernelHz(): number;
  /** CPU clock in Hz: simulated cycles per second. */
  cpuHz(): number;
}

/** QUADSPI clocks from the live RCC clock tree (quadspi_ker_ck and the CPU clock). */
export function quadspiClocksFrom(tree: ClockTree): QuadspiClocks {
  return { kernelHz: () => tree.clocks.qspi, cpuHz: () => tree.clocks.cpu };
}

/** The memory-mapped read command as the timing model needs it (phases in QSPI clock cycles). */
export interface QspiReadTiming {
  /** EN and FMODE = 11: the window answers. */
  mapped: boolean;
  kernelHz: number;
  /** CR.PRESCALER: the QSPI clock is kernel / (PRESCALER + 1) (RM0433 §23.5.1). */
  prescaler: number;
  qspiHz: number;
  instruction: number;
  instructionLines: number;
  /** Clocks of the instruction phase when it is sent (8 bits / lines); see sendInstructionOnce. */
  instructionCycles: number;
  /** CCR.SIOO: after the first command the instruction phase is skipped (continuous read). */
  sendInstructionOnce: boolean;
  addressLines: number;
  addressBytes: number;
  addressCycles: number;
  alternateLines: number;
  alternateBytes: number;
  alternateCycles: number;
  dummyCycles: number;
  dataLines: number;
  /** CCR.DDRM: address, alternate and data phases move 2 bits per line per clock. */
  ddr: boolean;
  /** QSPI clocks per data byte (8 / lines, halved in DDR). */
  cyclesPerByte: number;
  /** DCR.CSHT + 1: minimum nCS high time between commands, in QSPI clocks. */
  chipSelectHighCycles: number;
  /** CR.TCEN and LPTR.TIMEOUT: nCS released after this many idle clocks with the FIFO full (prefetch). */
  timeoutCounterEnabled: boolean;
  timeoutCycles: number;
  /** Flash size from DCR.FSIZE (2^(FSIZE+1) bytes). */
  flashSize: number;
}

// Registers (RM0433 §23.5, offsets from the SVD).
const CR = 0x00;
const DCR = 0x04;
const SR = 0x08;
const FCR = 0x0c;
const DLR = 0x10;
const CCR = 0x14;
const AR = 0x18;
const ABR = 0x1c;
const DR = 0x20;
const PSMKR = 0x24;
const PSMAR = 0x28;
const PIR = 0x2c;
const LPTR = 0x30;

const CR_EN = 1 << 0;
const CR_ABORT = 1 << 1;
const CR_TCEN = 1 << 3;
const CR_FTHRES_SHIFT = 8;
const CR_APMS = 1 << 22;
const CR_PMM = 1 << 23;
// Flag bits shared by SR, FCR and the CR interrupt enables (TEIE 16 … TOIE 20).
const TEF = 1 << 0;
const TCF = 1 << 1;
const FTF = 1 << 2;
const SMF = 1 << 3;
const TOF = 1 << 4;
const BUSY = 1 << 5;
const FIFO_BYTES = 32;

const enum Mode {
  IndirectWrite = 0,
  IndirectRead = 1,
  AutoPolling = 2,
  MemoryMapped = 3,
}

const enum State {
  Idle,
  /** CCR written, waiting for AR to start (not busy yet). */
  AwaitingAddress,
  /** Indirect write with data: starts at the first DR write (not busy yet). */
  AwaitingData,
  /** Indirect write started: waiting for the rest of the DLR+1 data bytes. */
  CollectingData,
  /** Indirect read: data waiting in the FIFO. */
  Reading,
  Polling,
}

const LINES = [0, 1, 2, 4] as const;
/** QUADSPI global interrupt (RM0433 interrupt vector table). */
export const QUADSPI_IRQ = 92;
export const QSPI_WINDOW_BASE = 0x9000_0000;
/** The window the QUADSPI answers in memory-mapped mode (RM0433 §23.3, memory-mapped mode: 256 MB at 0x9000_0000). */
export const QSPI_WINDOW_SIZE = 0x1000_0000;

/**
 * QUADSPI (RM0433 §23) in front of an IS25LP064A. Indirect commands are carried out at once (the bus
 * time of an indirect transfer is not modelled); the chip's program/erase busy time is, through WIP.
 * Automatic polling re-reads the status only when the chip's state can change (the end of its busy
 * time), so a 150 ms erase costs one Clock event, not thousands of polls.
 */
export class Quadspi extends RegisterBlock {
  readonly flash: Is25lp064a;
  readonly window: MemoryDevice;
  private flags = 0;
  private state = State.Idle;
  /** Indirect read data and position; indirect write data collected so far. */
  private data = new Uint8Array(FIFO_BYTES);
  private dataLength = 0;
  private dataPos = 0;
  private pollEvent: object | null = null;
  private irqLevel = false;
  private readonly listeners: (() => void)[] = [];
  /** Memory-mapped mode with a command the chip answers (set when CCR/CR change). */
  mapped = false;
  private mappedGarbage = false;
  private flashSizeBytes = 2;
  private readonly pollBuffer = new Uint8Array(4);
  private readonly onPollDue = () => this.poll();

  constructor(
    context: SocContext,
    private readonly clocks: QuadspiClocks,
    flash?: Is25lp064a,
    base = 0x5200_5000,
  ) {
    super('QUADSPI', base, 0x400, context);
    this.flash = flash ?? new Is25lp064a(context.clock, () => clocks.cpuHz());
    this.window = new QspiWindow(this);
    this.stored(DLR, ABR, PSMKR, PSMAR, PIR, LPTR);
    // Not DR (a FIFO pop). SR (BUSY, FTF, FLEVEL, flags) would qualify: it follows the command state,
    // which changes on writes, DR reads and the automatic-polling event. It is left out for now: a skipped
    // poll ends up to one loop turn earlier than an executed one (Cpu.backwardBranch lands on the event,
    // not on the turn that would have seen it), and the SMF poll of the fixtures' boot (qspi.c) would
    // move their audio start by 17 cycles.
    this.eventStable(CR, DCR, FCR, DLR, CCR, AR, ABR, PSMKR, PSMAR, PIR, LPTR);
  }

  /** Subscribes to changes of {@link readTiming} and of the mapping; returns the unsubscribe function. */
  onTimingChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Call when the QUADSPI kernel clock changed. */
  clockChanged(): void {
    this.notify();
  }

  /** Follows the clock tree: timing listeners hear about kernel-clock changes. Returns the unsubscribe function. */
  followClockTree(tree: ClockTree): () => void {
    return tree.onChange(() => this.clockChanged());
  }

  /**
   * The state the Daisy bootloader leaves for a BOOT_QSPI app (libdaisy-facts §6): CR 0x01400001,
   * DCR 0x00160100, ABR 0xA0, CCR 0x1F18EDEB (quad I/O read, memory-mapped), flash read parameters 0xF0.
   */
  presetDaisyMemoryMapped(): void {
    this.endTransaction();
    this.regs[DCR >>> 2] = 0x0016_0100;
    this.flashSizeBytes = 2 ** (0x16 + 1);
    this.regs[ABR >>> 2] = 0xa0;
    this.regs[CCR >>> 2] = 0x1f18_edeb;
    this.regs[CR >>> 2] = 0x0140_0001;
    this.flash.status |= 0x40;
    this.flash.readParameters = 0xf0;
    this.updateMapping();
  }

  get flashSize(): number {
    return this.flashSizeBytes;
  }

  readTiming(): QspiReadTiming {
    const cr = this.regs[CR >>> 2];
    const ccr = this.regs[CCR >>> 2];
    const kernel = this.clocks.kernelHz();
    const prescaler = cr >>> 24;
    const ddr = (ccr & (1 << 31)) !== 0;
    const perClock = (lines: number, isDdr: boolean) => (lines === 0 ? 0 : lines * (isDdr ? 2 : 1));
    const phase = (bytes: number, lines: number, isDdr: boolean) => (lines === 0 ? 0 : (bytes * 8) / perClock(lines, isDdr));
    const instructionLines = LINES[(ccr >>> 8) & 3];
    const addressLines = LINES[(ccr >>> 10) & 3];
    const addressBytes = addressLines === 0 ? 0 : ((ccr >>> 12) & 3) + 1;
    const alternateLines = LINES[(ccr >>> 14) & 3];
    const alternateBytes = alternateLines === 0 ? 0 : ((ccr >>> 16) & 3) + 1;
    const dataLines = LINES[(ccr >>> 24) & 3];
    return {
      mapped: this.mapped,
      kernelHz: kernel,
      prescaler,
      qspiHz: kernel / (prescaler + 1),
      instruction: ccr & 0xff,
      instructionLines,
      instructionCycles: phase(1, instructionLines, false),
      sendInstructionOnce: (ccr & (1 << 28)) !== 0,
      addressLines,
      addressBytes,
      addressCycles: phase(addressBytes, addressLines, ddr),
      alternateLines,
      alternateBytes,
      alternateCycles: phase(alternateBytes, alternateLines, ddr),
      dummyCycles: (ccr >>> 18) & 0x1f,
      dataLines,
      ddr,
      cyclesPerByte: dataLines === 0 ? 0 : 8 / perClock(dataLines, ddr),
      chipSelectHighCycles: ((this.regs[DCR >>> 2] >>> 8) & 7) + 1,
      timeoutCounterEnabled: (cr & CR_TCEN) !== 0,
      timeoutCycles: this.regs[LPTR >>> 2] & 0xffff,
      flashSize: this.flashSizeBytes,
    };
  }

  // ------------------------------------------------------------------ memory-mapped window

  /** A read of the window (offset from 0x9000_0000). Throws BusError where the hardware faults. */
  windowRead(addr: number, size: AccessSize): number {
    const offset = (addr - QSPI_WINDOW_BASE) >>> 0;
    if (!this.mapped) {
      this.context.rule(
        Rule.QspiBeforeMapped,
        addr,
        false,
        `read of the QSPI window at 0x${hex(addr)} while QUADSPI is ${(this.regs[CR >>> 2] & CR_EN) === 0 ? 'disabled (CR.EN = 0)' : 'not in memory-mapped mode (CCR.FMODE ≠ 11)'}: the AXI access gets an error response → BusFault (RM0433 §23.3: the window answers only in memory-mapped mode)`,
      );
      throw new BusError(addr, false, 'QSPI window read while not memory-mapped');
    }
    if (offset + size > this.flashSizeBytes) {
      this.context.rule(Rule.QspiOutOfRange, addr, false, `read at 0x${hex(addr)} beyond the ${this.flashSizeBytes}-byte flash of DCR.FSIZE: bus error (RM0433 §23.5.2 FSIZE)`);
      throw new BusError(addr, false, 'QSPI window read beyond DCR.FSIZE');
    }
    if (this.mappedGarbage) return size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
    const m = this.flash.memory;
    const o = offset & (QSPI_FLASH_SIZE - 1);
    if (size === 1) return m[o];
    if (size === 2) return m[o] | (m[(o + 1) & (QSPI_FLASH_SIZE - 1)] << 8);
    return (m[o] | (m[(o + 1) & (QSPI_FLASH_SIZE - 1)] << 8) | (m[(o + 2) & (QSPI_FLASH_SIZE - 1)] << 16) | (m[(o + 3) & (QSPI_FLASH_SIZE - 1)] << 24)) >>> 0;
  }

  windowWrite(addr: number, value: number, size: AccessSize): never {
    this.context.rule(
      Rule.QspiWrite,
      addr,
      true,
      `${size}-byte write of 0x${(value >>> 0).toString(16)} to the QSPI window at 0x${hex(addr)}: memory-mapped mode is read-only, the write faults (program the flash with indirect-mode commands)`,
    );
    throw new BusError(addr, true, 'write to the QSPI window');
  }

  // ------------------------------------------------------------------ registers

  override read(offset: number, size: AccessSize): number {
    if (offset >= DR && offset < DR + 4) return this.popData(size);
    return super.read(offset, size);
  }

  override write(offset: number, value: number, size: AccessSize): void {
    if (offset >= DR && offset < DR + 4) {
      this.pushData(value, size);
      return;
    }
    super.write(offset, value, size);
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case CR:
      case DCR:
      case CCR:
      case AR:
        return this.regs[offset >>> 2];
      case SR:
        return this.status();
      case FCR:
        return 0;
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case CR:
        this.writeCr(value);
        return true;
      case DCR:
        this.regs[DCR >>> 2] = value & 0x001f_0701;
        this.flashSizeBytes = 2 ** (((value >>> 16) & 0x1f) + 1);
        this.notify();
        return true;
      case SR:
        return true;
      case FCR:
        this.flags &= ~(value & (TEF | TCF | SMF | TOF));
        this.updateIrq();
        return true;
      case CCR:
        if (!this.busy) this.writeCcr(value);
        return true;
      case AR:
        if (this.busy) return true;
        this.regs[AR >>> 2] = value;
        if (this.state === State.AwaitingAddress) this.start();
        return true;
      case DLR:
      case ABR:
        // CCR, AR, DLR and ABR can be changed only while BUSY = 0 (RM0433 §23.5); writes during a
        // command are ignored (the HAL's Transmit rewrites CCR after the command has started).
        if (!this.busy) this.regs[offset >>> 2] = value;
        return true;
      default:
        return false;
    }
  }

  private writeCr(value: number): void {
    const was = this.regs[CR >>> 2];
    this.regs[CR >>> 2] = value & ~CR_ABORT & 0xffdf_1fdd;
    // DMAEN (bit 2: MDMA requests), DFM (6, dual flash), TCEN's timeout flag TOF: not modelled.
    if (value & ((1 << 2) | (1 << 6))) this.context.unmodelled(this.name, CR, true, value);
    if (value & CR_ABORT) {
      // Abort: the command stops, the FIFO empties and TCF is set (RM0433 §23.5.1, CR.ABORT).
      this.endTransaction();
      this.flags |= TCF;
    }
    if ((was & CR_EN) !== 0 && (value & CR_EN) === 0) this.endTransaction();
    this.updateMapping();
    this.updateIrq();
  }

  private writeCcr(value: number): void {
    this.regs[CCR >>> 2] = value;
    this.endTransaction();
    const mode = (value >>> 26) & 3;
    if (mode !== Mode.MemoryMapped && (this.regs[CR >>> 2] & CR_EN) !== 0) {
      // What starts a command (RM0433 §23.3, "Triggering the start of a command"): the DR write when the
      // firmware provides data (indirect write with a data phase), else the AR write when there is an
      // address phase, else this CCR write.
      const needsAddress = ((value >>> 10) & 3) !== 0;
      const firmwareProvidesData = mode === Mode.IndirectWrite && ((value >>> 24) & 3) !== 0;
      if (firmwareProvidesData) this.state = State.AwaitingData;
      else if (needsAddress) this.state = State.AwaitingAddress;
      else this.start();
    }
    this.updateMapping();
    this.updateIrq();
  }

  /** The command in CCR begins (after CCR, AR or the first DR write; see writeCcr). */
  private start(): void {
    const ccr = this.regs[CCR >>> 2];
    const mode = (ccr >>> 26) & 3;
    const hasData = ((ccr >>> 24) & 3) !== 0;
    const length = this.dataLengthFromDlr();
    if (mode === Mode.IndirectWrite) {
      if (!hasData) {
        this.execute(null, 0);
        return;
      }
      this.ensureData(length);
      this.dataLength = length;
      this.dataPos = 0;
      this.state = State.CollectingData;
    } else if (mode === Mode.IndirectRead) {
      this.ensureData(length);
      this.complain(this.flash.read(this.transaction(), this.data, length));
      this.dataLength = length;
      this.dataPos = 0;
      this.state = State.Reading;
      this.flags |= TCF; // all bytes have left the flash (they wait in the FIFO)
    } else if (mode === Mode.AutoPolling) {
      this.state = State.Polling;
      this.poll();
    }
    this.updateIrq();
  }

  /** DLR + 1 bytes, capped at the flash size (DLR = 0xFFFF_FFFF means "to the end of the flash"). */
  private dataLengthFromDlr(): number {
    const dlr = this.regs[DLR >>> 2] >>> 0;
    return dlr >= QSPI_FLASH_SIZE ? QSPI_FLASH_SIZE : dlr + 1;
  }

  private ensureData(length: number): void {
    if (this.data.length < length) this.data = new Uint8Array(length);
  }

  private transaction(): FlashTransaction {
    const ccr = this.regs[CCR >>> 2];
    const addressBytes = ((ccr >>> 12) & 3) + 1;
    const addressLines = LINES[(ccr >>> 10) & 3];
    const instructionLines = LINES[(ccr >>> 8) & 3];
    return {
      instruction: instructionLines === 0 ? -1 : ccr & 0xff,
      instructionLines,
      address: addressLines === 0 ? 0 : (this.regs[AR >>> 2] >>> 0) % 2 ** (8 * addressBytes),
      addressLines,
      addressBytes: addressLines === 0 ? 0 : addressBytes,
      alternateLines: LINES[(ccr >>> 14) & 3],
      alternateBytes: ((ccr >>> 14) & 3) === 0 ? 0 : ((ccr >>> 16) & 3) + 1,
      dummyCycles: (ccr >>> 18) & 0x1f,
      dataLines: LINES[(ccr >>> 24) & 3],
    };
  }

  private execute(data: Uint8Array | null, length: number): void {
    this.complain(this.flash.write(this.transaction(), data ?? this.data, length));
    this.state = State.Idle;
    this.flags |= TCF;
    this.updateIrq();
  }

  private complain(complaint: FlashComplaint): void {
    if (complaint !== null) this.context.rule(complaint.rule, QSPI_WINDOW_BASE, false, `QSPI flash: ${complaint.detail}`);
  }

  /** Automatic polling (RM0433 §23.3.9): status read, masked compare, SMF on match. */
  private poll(): void {
    this.pollEvent = null;
    if (this.state !== State.Polling) return;
    const length = Math.min(this.dataLengthFromDlr(), 4);
    this.flash.read(this.transaction(), this.pollBuffer, length);
    let value = 0;
    for (let i = 0; i < length; i++) value |= this.pollBuffer[i] << (8 * i);
    const mask = this.regs[PSMKR >>> 2];
    const match = this.regs[PSMAR >>> 2];
    const cr = this.regs[CR >>> 2];
    const differing = (value ^ match) & mask;
    // AND mode: all unmasked bits match; OR mode (PMM): any unmasked bit matches.
    const matched = (cr & CR_PMM) !== 0 ? (~(value ^ match) & mask) !== 0 : differing === 0;
    if (matched) {
      this.flags |= SMF;
      if ((cr & CR_APMS) !== 0) {
        this.state = State.Idle;
        this.updateIrq();
        return;
      }
    }
    this.updateIrq();
    // The status can only change when the chip's busy time ends: poll again then, at the earliest one
    // interval later (PIR QSPI clocks, RM0433 §23.5.12).
    const now = this.context.clock.cycles;
    if (this.flash.busyUntil > now) {
      const interval = Math.ceil(((this.regs[PIR >>> 2] & 0xffff) * ((this.regs[CR >>> 2] >>> 24) + 1) * this.clocks.cpuHz()) / this.clocks.kernelHz());
      this.pollEvent = this.context.clock.schedule(Math.max(this.flash.busyUntil, now + interval), this.onPollDue);
    }
  }

  private endTransaction(): void {
    this.state = State.Idle;
    this.dataLength = 0;
    this.dataPos = 0;
    this.context.clock.cancel(this.pollEvent);
    this.pollEvent = null;
  }

  private pushData(value: number, size: AccessSize): void {
    if (this.state === State.AwaitingData) this.start();
    if (this.state !== State.CollectingData) return;
    for (let i = 0; i < size && this.dataPos < this.dataLength; i++) this.data[this.dataPos++] = (value >>> (8 * i)) & 0xff;
    if (this.dataPos === this.dataLength) this.execute(this.data, this.dataLength);
  }

  private popData(size: AccessSize): number {
    if (this.state !== State.Reading) return 0;
    let v = 0;
    for (let i = 0; i < size && this.dataPos < this.dataLength; i++) v |= this.data[this.dataPos++] << (8 * i);
    if (this.dataPos === this.dataLength) this.state = State.Idle;
    this.updateIrq();
    return v >>> 0;
  }

  /** SR.BUSY: a command is running (started and not finished, or polling); RM0433 §23.5.3. */
  private get busy(): boolean {
    return this.state === State.CollectingData || this.state === State.Reading || this.state === State.Polling;
  }

  private fifoLevel(): number {
    if (this.state === State.Reading) return Math.min(this.dataLength - this.dataPos, FIFO_BYTES);
    return 0;
  }

  private status(): number {
    const level = this.fifoLevel();
    const threshold = ((this.regs[CR >>> 2] >>> CR_FTHRES_SHIFT) & 0x1f) + 1;
    let ftf = 0;
    // FTF: read — FIFO holds ≥ threshold bytes, or the rest after the transfer ended; write — room for
    // ≥ threshold bytes (RM0433 §23.5.3).
    if (this.state === State.Reading) ftf = level >= threshold || level > 0 ? FTF : 0;
    else if (this.state === State.CollectingData || this.state === State.AwaitingData) ftf = FTF;
    const busy = this.busy ? BUSY : 0;
    return (this.flags | ftf | busy | (level << 8)) >>> 0;
  }

  private updateMapping(): void {
    const cr = this.regs[CR >>> 2];
    const ccr = this.regs[CCR >>> 2];
    const mapped = (cr & CR_EN) !== 0 && ((ccr >>> 26) & 3) === Mode.MemoryMapped;
    let garbage = false;
    if (mapped && !this.mapped) {
      const op = ccr & 0xff;
      const quad = ((ccr >>> 24) & 3) === 3 || ((ccr >>> 10) & 3) === 3;
      if (quad && (this.flash.statusNow() & 0x40) === 0) {
        garbage = true;
        this.context.rule(Rule.QspiQuadWithoutQe, QSPI_WINDOW_BASE, false, `memory-mapped quad read 0x${op.toString(16)} while the flash's QE bit is 0: reads return garbage (here 0xFF)`);
      }
    } else if (mapped) {
      garbage = this.mappedGarbage;
    }
    const changed = mapped !== this.mapped || garbage !== this.mappedGarbage;
    this.mapped = mapped;
    this.mappedGarbage = garbage;
    if (changed || mapped) this.notify();
  }

  private updateIrq(): void {
    const cr = this.regs[CR >>> 2];
    const level = ((this.status() & 0x1f) & ((cr >>> 16) & 0x1f)) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.context.setIrq(QUADSPI_IRQ, level);
    }
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

/** The QUADSPI memory-mapped window at 0x9000_0000 (absolute addresses). */
class QspiWindow implements MemoryDevice {
  readonly name = 'QSPI';
  /**
   * The flash changes only through indirect-mode commands (QUADSPI register writes, counted), and the
   * window's mode only through CR/CCR writes: a code loop in QSPI that reads its literal pool can idle.
   */
  readonly eventStableReads = true;

  constructor(private readonly quadspi: Quadspi) {}

  read(addr: number, size: AccessSize): number {
    return this.quadspi.windowRead(addr, size);
  }

  write(addr: number, value: number, size: AccessSize): void {
    this.quadspi.windowWrite(addr, value, size);
  }

  peek(addr: number, size: AccessSize): number {
    const o = (addr - QSPI_WINDOW_BASE) >>> 0;
    const m = this.quadspi.flash.memory;
    let v = 0;
    for (let i = 0; i < size; i++) v |= m[(o + i) & (QSPI_FLASH_SIZE - 1)] << (8 * i);
    return v >>> 0;
  }

  loadImage(addr: number, bytes: Uint8Array): void {
    this.quadspi.flash.load((addr - QSPI_WINDOW_BASE) >>> 0, bytes);
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
