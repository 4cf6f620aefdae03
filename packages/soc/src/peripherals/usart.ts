import type { SocContext } from '@seedsim/core';
import type { ClockTree } from './clock-tree.js';
import type { DmaRequester, Dmamux } from './dmamux.js';
import { RegisterBlock } from './register-block.js';

/** Register offsets (RM0433 USART and LPUART chapters: same layout for these registers). */
export const USART = {
  CR1: 0x00,
  CR2: 0x04,
  CR3: 0x08,
  BRR: 0x0c,
  GTPR: 0x10,
  RTOR: 0x14,
  RQR: 0x18,
  ISR: 0x1c,
  ICR: 0x20,
  RDR: 0x24,
  TDR: 0x28,
  PRESC: 0x2c,
} as const;

/**
 * Instances: base, NVIC line (SVD interrupt numbers), SVD register layout, kernel clock (RCC
 * D2CCIP2R.USART16SEL / USART234578SEL, D3CCIPR.LPUART1SEL) and DMAMUX1 RX request ID (RM0433 DMAMUX1
 * request table; libDaisy's HAL names them DMA_REQUEST_USART1_RX = 41 …). LPUART1 sits on BDMA: no RX DMA here.
 */
export const USART_INSTANCES = {
  USART1: { base: 0x40011000, irq: 37, svd: 'USART1', kernel: 'usart16', rxDma: 41 },
  USART2: { base: 0x40004400, irq: 38, svd: 'USART1', kernel: 'usart234578', rxDma: 43 },
  USART3: { base: 0x40004800, irq: 39, svd: 'USART1', kernel: 'usart234578', rxDma: 45 },
  UART4: { base: 0x40004c00, irq: 52, svd: 'USART1', kernel: 'usart234578', rxDma: 63 },
  UART5: { base: 0x40005000, irq: 53, svd: 'USART1', kernel: 'usart234578', rxDma: 65 },
  USART6: { base: 0x40011400, irq: 71, svd: 'USART1', kernel: 'usart16', rxDma: 71 },
  UART7: { base: 0x40007800, irq: 82, svd: 'USART1', kernel: 'usart234578', rxDma: 79 },
  UART8: { base: 0x40007c00, irq: 83, svd: 'USART1', kernel: 'usart234578', rxDma: 81 },
  LPUART1: { base: 0x58000c00, irq: 142, svd: 'LPUART1', kernel: 'lpuart1', rxDma: 0 },
} as const;
export type UsartName = keyof typeof USART_INSTANCES;

/** The clocks a receiver needs: its kernel clock (baud generator) and the CPU clock (event cycles). */
export interface UsartClocks {
  kernelHz(): number;
  cpuHz(): number;
}

export function usartClocksFrom(tree: ClockTree, name: UsartName): UsartClocks {
  const kernel = USART_INSTANCES[name].kernel;
  return { kernelHz: () => tree.clocks[kernel], cpuHz: () => tree.clocks.cpu };
}

const CR1_UE = 1 << 0;
const CR1_RE = 1 << 2;
const CR1_TE = 1 << 3;
const CR1_IDLEIE = 1 << 4;
const CR1_RXNEIE = 1 << 5;
const CR1_TCIE = 1 << 6;
const CR1_TXEIE = 1 << 7;
const CR1_M0 = 1 << 12;
const CR1_OVER8 = 1 << 15;
const CR1_M1 = 1 << 28;
const CR1_FIFOEN = 1 << 29;
const CR3_EIE = 1 << 0;
const CR3_DMAR = 1 << 6;
const ISR_ORE = 1 << 3;
const ISR_IDLE = 1 << 4;
const ISR_RXNE = 1 << 5;
const ISR_TC = 1 << 6;
const ISR_TXE = 1 << 7;
const ISR_TEACK = 1 << 21;
const ISR_REACK = 1 << 22;
/** ICR: ORECF 3, IDLECF 4 (the other clear bits name flags this model never sets). */
const ICR_ORECF = 1 << 3;
const ICR_IDLECF = 1 << 4;
/** RQR.RXFRQ (bit 3): flush the receive data, clearing RXNE. */
const RQR_RXFRQ = 1 << 3;
/** USART_PRESC.PRESCALER 3:0 → kernel clock divider (RM0433 USART_PRESC). */
const PRESC_DIV = [1, 2, 4, 6, 8, 10, 12, 16, 32, 64, 128, 256, 256, 256, 256, 256];

/** A byte the host side put on the RX line: it starts no earlier than `at` (CPU cycles). */
interface LineByte {
  at: number;
  byte: number;
}

/**
 * USART/UART/LPUART (RM0433 USART chapter). Transmit is captured: bytes written to TDR while UE and TE
 * are set are sent instantly into a text stream with listeners; ISR.TXE (TXFNF) and TC always read 1,
 * TEACK/REACK follow TE/RE.
 *
 * Receive: bytes the host queues ({@link receive}) go over the RX line one frame at a time, back to back,
 * at the programmed baud rate: kernel clock / PRESC / BRR (OVER8 = 0) or 2 · that / USARTDIV (OVER8 = 1),
 * a frame being 1 start bit + 7/8/9 data bits (CR1.M1:M0) + the CR2.STOP stop bits (10 bit times for 8N1).
 * A frame starts at a clock event at its queued time (or when the line frees up) and lands in RDR at
 * the clock event one frame time later: RXNE sets, or ORE when RXNE is still set (the new byte is lost,
 * RDR keeps the old one, RM0433 "Overrun error"). A frame starting while UE or RE is clear, or with no
 * baud rate programmed, is lost, as on the wire. Reading RDR pops it (clears RXNE). With CR3.DMAR the
 * RX request goes to DMAMUX1, whose stream reads RDR. IDLE sets one idle frame time after the last
 * received frame if no new frame started by then. The NVIC line follows RXNE·RXNEIE, ORE·(RXNEIE|EIE),
 * IDLE·IDLEIE and TXEIE/TCIE. Not modelled: the RX FIFO (FIFOEN: one-byte RDR, reported), the receiver
 * timeout (RTOR stored), parity/framing/noise errors, 9-bit data in DMA, LIN/IrDA/smartcard modes.
 */
export class Usart extends RegisterBlock {
  private readonly irq: number;
  private readonly rxRequestId: number;
  private readonly bytes: number[] = [];
  private readonly listeners: ((byte: number) => void)[] = [];
  private dmamux: Dmamux | null = null;
  /** Host bytes waiting to go on the RX line, in time order. */
  private line: LineByte[] = [];
  private lineHead = 0;
  /** The frame on the line: its byte, −1 when the line is idle. */
  private frameByte = -1;
  /** Cycle at which the line is free for the next frame. */
  private lineFreeAt = 0;
  private rxEvent: object | null = null;
  private idleEvent: object | null = null;
  private rdr = 0;
  /** ISR receive flags: RXNE, ORE, IDLE. */
  private rxFlags = 0;
  private irqLevel = false;
  /** Frames lost because the receiver was off (UE or RE clear) or had no baud rate when they began. */
  lostWhileDisabled = 0;
  /** Frames lost to overrun (ORE). */
  overruns = 0;
  /** Frames received into RDR. */
  framesReceived = 0;
  private readonly onLineEvent = (at: number): void => this.lineEvent(at);
  private readonly onIdle = (): void => {
    this.idleEvent = null;
    this.rxFlags |= ISR_IDLE;
    this.updateIrq();
  };
  private readonly rxRequester: DmaRequester = { dmaReady: () => this.serviceDma() };

  constructor(
    context: SocContext,
    name: UsartName,
    private readonly clocks: UsartClocks | null = null,
  ) {
    const spec = USART_INSTANCES[name];
    super(name, spec.base, 0x400, context, spec.svd);
    this.irq = spec.irq;
    this.rxRequestId = spec.rxDma;
    this.stored(USART.CR2, USART.BRR, USART.GTPR, USART.RTOR, USART.PRESC);
    // ISR follows CR1 and the receive flags, which change only at line events (clock events) or by
    // writes (ICR, RQR, CR1, CR3). Not RDR: reading it pops the received byte (clears RXNE).
    this.eventStable(USART.CR1, USART.CR2, USART.CR3, USART.BRR, USART.GTPR, USART.RTOR, USART.RQR, USART.ISR, USART.ICR, USART.TDR, USART.PRESC);
  }

  /** Connects the RX DMA request (CR3.DMAR) to DMAMUX1. */
  attachDma(dmamux: Dmamux): void {
    if (this.rxRequestId === 0) return;
    this.dmamux = dmamux;
    dmamux.attachRequester(this.rxRequestId, this.rxRequester);
  }

  protected override onReset(): void {
    this.context.clock.cancel(this.rxEvent);
    this.context.clock.cancel(this.idleEvent);
    this.rxEvent = null;
    this.idleEvent = null;
    // The host keeps sending: the bytes still queued go on the line as scheduled.
    if (this.frameByte >= 0) this.lostWhileDisabled++;
    this.frameByte = -1;
    this.rdr = 0;
    this.rxFlags = 0;
    this.irqLevel = false;
    this.context.setIrq(this.irq, false);
    this.pump();
  }

  /** Everything transmitted so far, one character per byte (Latin-1). */
  get output(): string {
    return String.fromCharCode(...this.bytes);
  }

  /** The transmitted bytes. */
  get transmitted(): readonly number[] {
    return this.bytes;
  }

  onTransmit(listener: (byte: number) => void): void {
    this.listeners.push(listener);
  }

  /**
   * The host puts `bytes` on the RX line, the first starting no earlier than cycle `at` (default now; a
   * clock callback passes its own event cycle); they follow each other back to back and after anything
   * queued before.
   */
  receive(bytes: Iterable<number>, at: number = this.context.clock.cycles): void {
    const start = at;
    const tail = this.line.length;
    for (const b of bytes) this.line.push({ at: start, byte: b & 0xff });
    // A call naming an earlier time than bytes already queued: keep the queue in time order (a stable
    // sort keeps equal times in call order).
    if (tail > this.lineHead && this.line[tail - 1].at > start) {
      const pending = this.line.slice(this.lineHead).sort((a, b) => a.at - b.at);
      this.line = pending;
      this.lineHead = 0;
    }
    this.pump();
  }

  /** Bytes queued by the host that have not yet started on the line. */
  get rxQueued(): number {
    return this.line.length - this.lineHead;
  }

  /** CPU cycles of one frame at the programmed baud rate, 0 when there is none (no BRR, clock off). */
  frameCycles(): number {
    if (this.clocks === null) return 0;
    const cr1 = this.regs[USART.CR1 >>> 2];
    const brr = this.regs[USART.BRR >>> 2] & 0xffff;
    const kernel = this.clocks.kernelHz() / PRESC_DIV[this.regs[USART.PRESC >>> 2] & 0xf];
    let baud: number;
    if (cr1 & CR1_OVER8) {
      const usartdiv = (brr & 0xfff0) | ((brr & 7) << 1);
      baud = usartdiv >= 16 ? (2 * kernel) / usartdiv : 0;
    } else {
      baud = brr >= 16 ? kernel / brr : 0;
    }
    if (!(baud > 0)) return 0;
    const dataBits = cr1 & CR1_M1 ? 7 : cr1 & CR1_M0 ? 9 : 8;
    const stopBits = [1, 0.5, 2, 1.5][(this.regs[USART.CR2 >>> 2] >>> 12) & 3];
    return ((1 + dataBits + stopBits) * this.clocks.cpuHz()) / baud;
  }

  /** Schedules the next line event: the start of the next queued frame when the line is idle. */
  private pump(): void {
    if (this.rxEvent !== null || this.frameByte >= 0 || this.lineHead >= this.line.length) return;
    const startAt = Math.max(this.line[this.lineHead].at, this.lineFreeAt);
    this.rxEvent = this.context.clock.schedule(Math.ceil(startAt), this.onLineEvent);
  }

  /** A frame starts (line idle) or ends (a frame in flight) at cycle `at`. */
  private lineEvent(at: number): void {
    this.rxEvent = null;
    if (this.frameByte < 0) {
      const { byte } = this.line[this.lineHead++];
      if (this.lineHead > 1024 && this.lineHead * 2 > this.line.length) {
        this.line = this.line.slice(this.lineHead);
        this.lineHead = 0;
      }
      const cr1 = this.regs[USART.CR1 >>> 2];
      const cycles = this.frameCycles();
      if (!(cr1 & CR1_UE) || !(cr1 & CR1_RE) || cycles === 0) {
        this.lostWhileDisabled++;
        this.pump();
        return;
      }
      // A new start bit: the line is no longer idle.
      this.context.clock.cancel(this.idleEvent);
      this.idleEvent = null;
      this.frameByte = byte;
      this.lineFreeAt = at + cycles;
      this.rxEvent = this.context.clock.schedule(Math.ceil(this.lineFreeAt), this.onLineEvent);
      return;
    }
    const byte = this.frameByte;
    this.frameByte = -1;
    const cr1 = this.regs[USART.CR1 >>> 2];
    if (cr1 & CR1_UE && cr1 & CR1_RE) {
      if (this.rxFlags & ISR_RXNE) {
        this.rxFlags |= ISR_ORE;
        this.overruns++;
      } else {
        this.rdr = byte;
        this.rxFlags |= ISR_RXNE;
        this.framesReceived++;
      }
      const cycles = this.frameCycles();
      if (cycles > 0) this.idleEvent = this.context.clock.schedule(Math.ceil(this.lineFreeAt + cycles), this.onIdle);
      this.serviceDma();
      this.updateIrq();
    } else {
      this.lostWhileDisabled++;
    }
    this.pump();
  }

  /** The RX DMA request is level-sensitive: raised while RXNE is set and CR3.DMAR enabled. */
  private serviceDma(): void {
    if (this.dmamux === null || !(this.rxFlags & ISR_RXNE)) return;
    if (!(this.regs[USART.CR3 >>> 2] & CR3_DMAR) || !(this.regs[USART.CR1 >>> 2] & CR1_UE)) return;
    this.dmamux.request(this.rxRequestId); // the stream reads RDR, which pops it
  }

  private popRdr(): number {
    this.rxFlags &= ~ISR_RXNE;
    this.updateIrq();
    return this.rdr;
  }

  private updateIrq(force = false): void {
    const cr1 = this.regs[USART.CR1 >>> 2];
    const cr3 = this.regs[USART.CR3 >>> 2];
    const f = this.rxFlags;
    const level =
      (cr1 & CR1_UE) !== 0 &&
      ((cr1 & (CR1_TXEIE | CR1_TCIE)) !== 0 || // TXE and TC are always set
        (f & ISR_RXNE && cr1 & CR1_RXNEIE) !== 0 ||
        (f & ISR_ORE && (cr1 & CR1_RXNEIE || cr3 & CR3_EIE)) !== 0 ||
        (f & ISR_IDLE && cr1 & CR1_IDLEIE) !== 0);
    if (level === this.irqLevel && !force) return;
    this.irqLevel = level;
    this.context.setIrq(this.irq, level);
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case USART.CR1:
      case USART.CR3:
        return this.regs[offset >>> 2];
      case USART.ISR: {
        const cr1 = this.regs[USART.CR1 >>> 2];
        let isr = ISR_TC | ISR_TXE | this.rxFlags;
        if (cr1 & CR1_UE && cr1 & CR1_TE) isr |= ISR_TEACK;
        if (cr1 & CR1_UE && cr1 & CR1_RE) isr |= ISR_REACK;
        return isr;
      }
      case USART.RDR:
        return this.popRdr();
      case USART.ICR:
      case USART.RQR:
      case USART.TDR:
        return 0;
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case USART.CR1: {
        const was = this.regs[USART.CR1 >>> 2];
        this.regs[USART.CR1 >>> 2] = value;
        if (value & CR1_FIFOEN && !(was & CR1_FIFOEN)) this.context.unmodelled(this.name, offset, true, value);
        // UE cleared: the receive flags reset (RM0433 USART_CR1.UE: status flags reset when UE = 0).
        if (!(value & CR1_UE)) this.rxFlags = 0;
        this.serviceDma();
        // Driven on every CR1 write (not only on a change), as before reception was modelled.
        this.updateIrq(true);
        return true;
      }
      case USART.CR3:
        this.regs[USART.CR3 >>> 2] = value;
        this.serviceDma();
        this.updateIrq();
        return true;
      case USART.TDR: {
        const cr1 = this.regs[USART.CR1 >>> 2];
        if (cr1 & CR1_UE && cr1 & CR1_TE) {
          const byte = value & 0xff;
          this.bytes.push(byte);
          for (const l of this.listeners) l(byte);
        }
        return true;
      }
      case USART.ICR:
        if (value & ICR_ORECF) this.rxFlags &= ~ISR_ORE;
        if (value & ICR_IDLECF) this.rxFlags &= ~ISR_IDLE;
        this.updateIrq();
        return true;
      case USART.RQR:
        if (value & RQR_RXFRQ) {
          this.rxFlags &= ~ISR_RXNE;
          this.updateIrq();
        }
        return true;
      case USART.ISR:
      case USART.RDR:
        return true;
      default:
        return false;
    }
  }
}
