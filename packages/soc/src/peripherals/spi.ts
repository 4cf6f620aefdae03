import { Rule } from '../rules.js';
import type { AccessSize, SocContext } from '@seedsim/core';
import type { ClockTree } from './clock-tree.js';
import type { DmaRequester, Dmamux } from './dmamux.js';
import { RegisterBlock } from './register-block.js';

/** Register offsets (RM0433 SPI/I2S chapter, "SPI/I2S registers"). */
export const SPI = {
  CR1: 0x00,
  CR2: 0x04,
  CFG1: 0x08,
  CFG2: 0x0c,
  IER: 0x10,
  SR: 0x14,
  IFCR: 0x18,
  TXDR: 0x20,
  RXDR: 0x30,
  CRCPOLY: 0x40,
  TXCRC: 0x44,
  RXCRC: 0x48,
  UDRDR: 0x4c,
  I2SCFGR: 0x50,
} as const;

// SPI_CR1.
const CR1_SPE = 1 << 0;
const CR1_CSTART = 1 << 9;
const CR1_CSUSP = 1 << 10;
const CR1_HDDIR = 1 << 11;
// SPI_CFG1.
const CFG1_RXDMAEN = 1 << 14;
const CFG1_TXDMAEN = 1 << 15;
const CFG1_CRCEN = 1 << 22;
// SPI_CFG2.
const CFG2_COMM_SHIFT = 17;
const CFG2_MASTER = 1 << 22;
// SPI_SR / SPI_IER / SPI_IFCR bits (the same positions in all three).
const SR_RXP = 1 << 0;
const SR_TXP = 1 << 1;
const SR_DXP = 1 << 2;
const SR_EOT = 1 << 3;
const SR_TXTF = 1 << 4;
const SR_OVR = 1 << 6;
const SR_SUSP = 1 << 11;
const SR_TXC = 1 << 12;
const SR_RXPLVL_SHIFT = 13;
const SR_RXWNE = 1 << 15;
/** Sticky flags cleared through IFCR: EOT, TXTF, UDR, OVR, CRCE, TIFRE, MODF, TSERF, SUSP. */
const STICKY = 0x0ff8;
const IER_MASK = 0x07ff;

const enum Comm {
  FullDuplex = 0,
  SimplexTransmit = 1,
  SimplexReceive = 2,
  HalfDuplex = 3,
}

/**
 * The device on the other end of the bus (an OLED controller, a shift register, a DAC): told each
 * frame the master shifts out, answers the frame shifted in on MISO. Called once per frame.
 */
export interface SpiDevice {
  exchange(frame: number, bits: number): number;
}

/** Nothing connected: MISO floats; it reads as zeros here. */
const NO_DEVICE: SpiDevice = { exchange: () => 0 };

/**
 * Base address, NVIC line, DMAMUX1 request IDs (RX, TX) and FIFO size of each SPI (RM0433 SPI chapter,
 * "SPI implementation": SPI1–3 have 16-byte FIFOs and up to 32-bit frames, SPI4–6 8-byte FIFOs and up to
 * 16-bit frames; DMAMUX1 request table; interrupt vector table). SPI6 sits on DMAMUX2/BDMA: no DMA here.
 */
export const SPI_INSTANCES = {
  SPI1: { base: 0x4001_3000, irq: 35, dma: [37, 38], fifoBytes: 16 },
  SPI2: { base: 0x4000_3800, irq: 36, dma: [39, 40], fifoBytes: 16 },
  SPI3: { base: 0x4000_3c00, irq: 51, dma: [61, 62], fifoBytes: 16 },
  SPI4: { base: 0x4001_3400, irq: 84, dma: [83, 84], fifoBytes: 8 },
  SPI5: { base: 0x4001_5000, irq: 85, dma: [85, 86], fifoBytes: 8 },
  SPI6: { base: 0x5800_1400, irq: 86, dma: null, fifoBytes: 8 },
} as const;
export type SpiName = keyof typeof SPI_INSTANCES;

/** spi_ker_ck of an instance and the CPU clock. */
export interface SpiClocks {
  kernelHz(): number;
  cpuHz(): number;
}

export function spiClocksFrom(tree: ClockTree, name: SpiName): SpiClocks {
  const kernel = name === 'SPI6' ? () => tree.clocks.spi6 : name === 'SPI4' || name === 'SPI5' ? () => tree.clocks.spi45 : () => tree.clocks.spi123;
  return { kernelHz: kernel, cpuHz: () => tree.clocks.cpu };
}

/** A FIFO of frames (at most 32 bits each) in a ring. */
class FrameFifo {
  private readonly data = new Uint32Array(32);
  private head = 0;
  count = 0;

  push(value: number): void {
    this.data[(this.head + this.count) & 31] = value;
    this.count++;
  }

  pop(): number {
    const v = this.data[this.head];
    this.head = (this.head + 1) & 31;
    this.count--;
    return v;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}

/**
 * An SPI in master mode (RM0433 SPI chapter). A transfer starts when SPE and CSTART are set and the
 * TX FIFO holds data (or at once in receive-only modes); each frame occupies the bus for
 *   (DSIZE + 1 + MIDI) SPI clock periods, SPI clock = spi_ker_ck / 2^(MBR + 1)
 * and ends on one clock event, where it leaves the TX FIFO, reaches the attached {@link SpiDevice},
 * and the answer enters the RX FIFO (full-duplex and receive modes). TSIZE frames end the transfer with
 * EOT and TXC, and CSTART clears; TXTF rises once TSIZE frames have been written. TXP/RXP/DXP follow
 * the FIFO levels and the packet size FTHLV + 1; TXDR/RXDR pack several frames per access. DMA requests
 * (TXDMAEN/RXDMAEN) go through DMAMUX1. Not modelled: slave mode, CRC, suspend/resume detail (CSUSP
 * ends the transfer with SUSP), I2S mode (reported when enabled).
 */
export class Spi extends RegisterBlock {
  readonly irq: number;
  private readonly fifoBytes: number;
  private readonly rxRequestId: number;
  private readonly txRequestId: number;
  private readonly tx = new FrameFifo();
  private readonly rx = new FrameFifo();
  private device: SpiDevice = NO_DEVICE;
  private frameEvent: object | null = null;
  /** The frame in the shift register (it left the TX FIFO when its transfer on the bus began). */
  private shiftOut = 0;
  /** Frames shifted and frames written to TXDR in the current transfer (for EOT and TXTF). */
  private shifted = 0;
  private written = 0;
  private irqLevel = false;
  /** Every frame shifted out since power-on, for tests and observers. */
  framesSent = 0;
  private readonly frameDone = (at: number): void => this.endOfFrame(at);
  private readonly txRequester: DmaRequester = { dmaReady: () => this.serviceDma() };
  private readonly rxRequester: DmaRequester = { dmaReady: () => this.serviceDma() };

  constructor(
    context: SocContext,
    name: SpiName,
    private readonly clocks: SpiClocks,
    private readonly dmamux: Dmamux | null,
  ) {
    const spec = SPI_INSTANCES[name];
    super(name, spec.base, 0x400, context, 'SPI1');
    this.irq = spec.irq;
    this.fifoBytes = spec.fifoBytes;
    this.rxRequestId = spec.dma?.[0] ?? 0;
    this.txRequestId = spec.dma?.[1] ?? 0;
    if (dmamux && spec.dma) {
      dmamux.attachRequester(this.rxRequestId, this.rxRequester);
      dmamux.attachRequester(this.txRequestId, this.txRequester);
    }
    this.stored(SPI.CR2, SPI.CFG1, SPI.CFG2, SPI.CRCPOLY, SPI.UDRDR);
    // SR is computed from the FIFO levels, the frame in flight and sticky flags, which change only at a
    // frame's end (a clock event) or by a write; CR1.CSTART clears at the end of the transfer. Not RXDR
    // (a FIFO pop).
    this.eventStable(SPI.CR1, SPI.CR2, SPI.CFG1, SPI.CFG2, SPI.IER, SPI.SR, SPI.IFCR, SPI.TXDR, SPI.CRCPOLY, SPI.TXCRC, SPI.RXCRC, SPI.UDRDR, SPI.I2SCFGR);
  }

  /** Connects the device on the bus (replaces the previous one). */
  attach(device: SpiDevice): void {
    this.device = device;
  }

  protected override onReset(): void {
    this.stopTransfer();
    this.irqLevel = false;
    this.context.setIrq(this.irq, false);
  }

  private get cr1(): number {
    return this.regs[SPI.CR1 >>> 2];
  }
  private get cfg1(): number {
    return this.regs[SPI.CFG1 >>> 2];
  }
  private get cfg2(): number {
    return this.regs[SPI.CFG2 >>> 2];
  }

  /** Bits per frame: DSIZE + 1 (RM0433 SPI_CFG1.DSIZE; 4 to 32). */
  get frameBits(): number {
    return (this.cfg1 & 0x1f) + 1;
  }

  /** Bytes a frame takes in the FIFO: 1 up to 8 bits, 2 up to 16, else 4 (RM0433 "SPI FIFOs and data packing"). */
  private get frameBytes(): number {
    const bits = this.frameBits;
    return bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
  }

  private get fifoFrames(): number {
    return this.fifoBytes / this.frameBytes;
  }

  /** Frames per packet: FTHLV + 1. */
  private get packetFrames(): number {
    return ((this.cfg1 >>> 5) & 0xf) + 1;
  }

  private get tsize(): number {
    return this.regs[SPI.CR2 >>> 2] & 0xffff;
  }

  private get comm(): Comm {
    return (this.cfg2 >>> CFG2_COMM_SHIFT) & 3;
  }

  private get transmits(): boolean {
    const c = this.comm;
    return c === Comm.FullDuplex || c === Comm.SimplexTransmit || (c === Comm.HalfDuplex && (this.cr1 & CR1_HDDIR) !== 0);
  }

  private get receives(): boolean {
    const c = this.comm;
    return c === Comm.FullDuplex || c === Comm.SimplexReceive || (c === Comm.HalfDuplex && (this.cr1 & CR1_HDDIR) === 0);
  }

  /** SPI clock in Hz: spi_ker_ck / 2^(MBR + 1) (RM0433 SPI_CFG1.MBR). */
  spiClockHz(): number {
    return this.clocks.kernelHz() / 2 ** (((this.cfg1 >>> 28) & 7) + 1);
  }

  /** SR computed from the FIFOs and the sticky flags. */
  status(): number {
    const sr = this.regs[SPI.SR >>> 2] & STICKY;
    const enabled = (this.cr1 & CR1_SPE) !== 0;
    const txp = !enabled || this.fifoFrames - this.tx.count >= this.packetFrames;
    const rxp = enabled && this.rx.count >= this.packetFrames;
    let v = sr | (txp ? SR_TXP : 0) | (rxp ? SR_RXP : 0) | (txp && rxp ? SR_DXP : 0);
    // TXC: nothing left to send; with TSIZE > 0 it rises with EOT instead (RM0433 SPI_SR.TXC).
    if (!enabled || (this.tsize === 0 ? this.tx.count === 0 && this.frameEvent === null : (sr & SR_EOT) !== 0)) v |= SR_TXC;
    if (this.frameBytes === 1 && this.rx.count < 4) v |= (this.rx.count & 3) << SR_RXPLVL_SHIFT;
    else if (this.rx.count * this.frameBytes >= 4) v |= SR_RXWNE;
    // CTSIZE: frames left in the current transfer.
    if (this.tsize !== 0) v |= ((this.tsize - this.shifted) & 0xffff) << 16;
    return v >>> 0;
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case SPI.SR:
        return this.status();
      case SPI.IFCR:
      case SPI.TXDR:
        return 0; // write-only
      case SPI.RXDR:
        return this.popFrames(4);
      case SPI.CR1:
      case SPI.IER:
      case SPI.I2SCFGR:
      case SPI.TXCRC:
      case SPI.RXCRC:
        return this.regs[offset >>> 2];
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case SPI.CR1:
        this.writeCr1(value);
        return true;
      case SPI.CR2:
      case SPI.CFG1:
      case SPI.CFG2:
        // Configuration registers are writable only while SPE = 0 (RM0433 SPI_CFG1/CFG2: "protected").
        if ((this.cr1 & CR1_SPE) === 0 || offset === SPI.CR2) {
          this.regs[offset >>> 2] = value;
          if (offset === SPI.CFG1 && value & CFG1_CRCEN) this.context.unmodelled(this.name, offset, true, value);
          if (offset === SPI.CFG2 && (value & CFG2_MASTER) === 0) this.context.unmodelled(this.name, offset, true, value);
        }
        if (offset === SPI.CFG1) this.serviceDma();
        return true;
      case SPI.IER:
        this.regs[offset >>> 2] = value & IER_MASK;
        this.updateIrq();
        return true;
      case SPI.SR:
      case SPI.RXDR:
      case SPI.TXCRC:
      case SPI.RXCRC:
        return true; // read-only
      case SPI.IFCR:
        this.regs[SPI.SR >>> 2] &= ~(value & STICKY);
        this.updateIrq();
        return true;
      case SPI.TXDR:
        this.pushFrames(value, 4);
        return true;
      case SPI.I2SCFGR:
        this.regs[offset >>> 2] = value;
        if (value & 1) this.context.unmodelled(this.name, offset, true, value); // I2SMOD
        return true;
      default:
        return false;
    }
  }

  /** TXDR/RXDR take whole frames whatever the access width: a 32-bit access moves four 8-bit frames. */
  override read(offset: number, size: AccessSize): number {
    if (offset >= SPI.RXDR && offset < SPI.RXDR + 4) return this.popFrames(size);
    return super.read(offset, size);
  }

  override write(offset: number, value: number, size: AccessSize): void {
    if (offset >= SPI.TXDR && offset < SPI.TXDR + 4) {
      this.pushFrames(value, size);
      return;
    }
    super.write(offset, value, size);
  }

  private writeCr1(value: number): void {
    const old = this.cr1;
    // CSTART is set by software (only with SPE = 1) and cleared by hardware; CSUSP reads 0 (RM0433 SPI_CR1).
    const cr1Written = value & 0x1_ff01 & ~(CR1_CSTART | CR1_CSUSP);
    const cr1 = (old | value) & CR1_CSTART && cr1Written & CR1_SPE ? cr1Written | CR1_CSTART : cr1Written;
    this.regs[SPI.CR1 >>> 2] = cr1;
    if (old & CR1_SPE && !(cr1 & CR1_SPE)) {
      // SPE = 0: the transfer stops and both FIFOs are flushed (RM0433 "Disabling the SPI").
      this.stopTransfer();
    } else if (!(old & CR1_SPE) && cr1 & CR1_SPE) {
      this.shifted = 0;
      this.written = 0;
    }
    if (value & CR1_CSUSP && cr1 & CR1_CSTART) {
      this.regs[SPI.CR1 >>> 2] &= ~CR1_CSTART;
      this.regs[SPI.SR >>> 2] |= SR_SUSP;
    }
    if (!(old & CR1_CSTART) && cr1 & CR1_CSTART) {
      if (!(this.cfg2 & CFG2_MASTER)) this.context.unmodelled(this.name, SPI.CFG2, true, this.cfg2);
      this.shifted = 0;
      if (!(this.spiClockHz() > 0)) {
        this.context.rule(Rule.PeripheralNoClock, this.base + SPI.CR1, true, `${this.name} transfer started (CSTART) with no kernel clock: its RCC source (spi123/spi45/spi6 mux) is not running, so no frame is shifted`);
      }
    }
    this.kick();
    this.serviceDma();
    this.updateIrq();
  }

  private stopTransfer(): void {
    this.context.clock.cancel(this.frameEvent);
    this.frameEvent = null;
    this.tx.clear();
    this.rx.clear();
    this.regs[SPI.CR1 >>> 2] &= ~CR1_CSTART;
    this.shifted = 0;
    this.written = 0;
  }

  private pushFrames(value: number, size: number): void {
    const bytes = this.frameBytes;
    const frames = Math.max(1, (size / bytes) | 0);
    const bits = bytes * 8;
    for (let i = 0; i < frames; i++) {
      if (this.tx.count >= this.fifoFrames) break; // TX FIFO full: the write is lost
      const frame = bits === 32 ? value >>> 0 : (value >>> (i * bits)) & ((1 << bits) - 1);
      this.tx.push(frame);
      this.written++;
    }
    if (this.tsize !== 0 && this.written >= this.tsize) this.regs[SPI.SR >>> 2] |= SR_TXTF;
    this.kick();
    this.updateIrq();
  }

  private popFrames(size: number): number {
    const bytes = this.frameBytes;
    const frames = Math.max(1, (size / bytes) | 0);
    let v = 0;
    for (let i = 0; i < frames && this.rx.count > 0; i++) v |= this.rx.pop() << (i * bytes * 8);
    this.serviceDma();
    this.updateIrq();
    return v >>> 0;
  }

  /**
   * Starts the next frame if the transfer is running, the bus is idle and there is something to shift:
   * the frame moves from the TX FIFO into the shift register, which frees its FIFO place at once.
   */
  private kick(startAt = this.context.clock.cycles): void {
    if (this.frameEvent !== null) return;
    const cr1 = this.cr1;
    if (!(cr1 & CR1_SPE) || !(cr1 & CR1_CSTART)) return;
    if (this.tsize !== 0 && this.shifted >= this.tsize) return;
    const transmits = this.transmits;
    if (transmits && this.tx.count === 0) return;
    const spiHz = this.spiClockHz();
    if (!(spiHz > 0)) return;
    const midi = (this.cfg2 >>> 4) & 0xf;
    const cycles = ((this.frameBits + midi) * this.clocks.cpuHz()) / spiHz;
    this.shiftOut = transmits ? this.tx.pop() : 0;
    this.frameEvent = this.context.clock.schedule(startAt + Math.max(1, Math.ceil(cycles)), this.frameDone);
    if (transmits) this.serviceDma();
  }

  /** The frame started earlier ends at cycle `at`; a next frame starts back to back from there. */
  private endOfFrame(at: number): void {
    this.frameEvent = null;
    const bits = this.frameBits;
    const mask = bits === 32 ? 0xffff_ffff : (1 << bits) - 1;
    const answer = this.device.exchange(this.shiftOut & mask, bits) & mask;
    this.framesSent++;
    if (this.receives) {
      if (this.rx.count >= this.fifoFrames) this.regs[SPI.SR >>> 2] |= SR_OVR; // RX FIFO full: overrun, frame lost
      else this.rx.push(answer >>> 0);
    }
    this.shifted++;
    if (this.tsize !== 0 && this.shifted >= this.tsize) {
      // End of transfer: EOT (and TXC), CSTART cleared by hardware (RM0433 SPI_SR.EOT).
      this.regs[SPI.SR >>> 2] |= SR_EOT;
      this.regs[SPI.CR1 >>> 2] &= ~CR1_CSTART;
    }
    this.kick(at);
    this.serviceDma();
    this.updateIrq();
  }

  /** Level-sensitive DMA requests: TX while a packet fits in the TX FIFO, RX while a packet waits. */
  private serviceDma(): void {
    const dmamux = this.dmamux;
    if (dmamux === null || !(this.cr1 & CR1_SPE)) return;
    const cfg1 = this.cfg1;
    if (cfg1 & CFG1_TXDMAEN) {
      for (let i = 0; i < 32 && this.fifoFrames - this.tx.count >= this.packetFrames; i++) {
        if (this.tsize !== 0 && this.written >= this.tsize) break;
        const before = this.tx.count;
        if (!dmamux.request(this.txRequestId) || this.tx.count === before) break;
      }
    }
    if (cfg1 & CFG1_RXDMAEN) {
      for (let i = 0; i < 32 && this.rx.count >= this.packetFrames; i++) {
        const before = this.rx.count;
        if (!dmamux.request(this.rxRequestId) || this.rx.count === before) break;
      }
    }
  }

  private updateIrq(): void {
    const level = (this.status() & this.regs[SPI.IER >>> 2] & IER_MASK) !== 0;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.context.setIrq(this.irq, level);
  }
}

/** The SR bits named for tests and other models. */
export const SPI_SR = { RXP: SR_RXP, TXP: SR_TXP, DXP: SR_DXP, EOT: SR_EOT, TXTF: SR_TXTF, OVR: SR_OVR, SUSP: SR_SUSP, TXC: SR_TXC } as const;
