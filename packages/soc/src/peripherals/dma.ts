import { BusError, MmioDevice, type AccessSize, type Bus, type SocContext } from '@seedsim/core';
import { Rule } from '../rules.js';
import type { DmaStreamPort, Dmamux } from './dmamux.js';

/**
 * The system bus as DMA1/DMA2 see it (a bus master in the D2 domain): absolute addresses, throws
 * {@link BusError} where the interconnect answers with an error. SDRAM/QSPI rules apply as for the CPU.
 */
export interface DmaBusPort {
  read(addr: number, size: AccessSize): number;
  write(addr: number, value: number, size: AccessSize): void;
}

/** Adapts a CPU-style {@link Bus} (e.g. the SystemBus) to a DMA master port. */
export function busAsDmaPort(bus: Bus): DmaBusPort {
  return {
    read: (addr, size) => (size === 4 ? bus.read32(addr) : size === 2 ? bus.read16(addr) : bus.read8(addr)),
    write: (addr, value, size) => (size === 4 ? bus.write32(addr, value) : size === 2 ? bus.write16(addr, value) : bus.write8(addr, value)),
  };
}

/**
 * Told about every memory-side DMA access, so the cache model can check coherency (a DMA read of a
 * line dirty in the D-cache; a CPU read of a cached line DMA has overwritten). Read-only observer.
 */
export interface DmaAccessObserver {
  onDmaRead(addr: number, bytes: number): void;
  onDmaWrite(addr: number, bytes: number): void;
}

// SxCR bits (RM0433 §15.5.5).
const CR_EN = 1 << 0;
const CR_DMEIE = 1 << 1;
const CR_TEIE = 1 << 2;
const CR_HTIE = 1 << 3;
const CR_TCIE = 1 << 4;
const CR_DIR_SHIFT = 6;
const CR_CIRC = 1 << 8;
const CR_PINC = 1 << 9;
const CR_MINC = 1 << 10;
const CR_PSIZE_SHIFT = 11;
const CR_DBM = 1 << 18;
const CR_CT = 1 << 19;
/** Bits writable only while EN = 0 ("protected", RM0433 §15.5.5): PFCTRL … MBURST. */
const CR_PROTECTED = 0x01ff_ffe0;
const CR_WRITABLE = 0x01ff_ffff;
const FCR_FEIE = 1 << 7;

// Per-stream status flags, in the order of LISR bits 0–5 for stream 0 (RM0433 §15.5.1).
const FEIF = 1 << 0;
const DMEIF = 1 << 2;
const TEIF = 1 << 3;
const HTIF = 1 << 4;
const TCIF = 1 << 5;
const FLAG_MASK = FEIF | DMEIF | TEIF | HTIF | TCIF;
/** Bit position of stream (s & 3)'s flags within LISR/HISR (RM0433 §15.5.1–15.5.2). */
const FLAG_SHIFT = [0, 6, 16, 22] as const;

const enum Direction {
  PeripheralToMemory = 0,
  MemoryToPeripheral = 1,
  MemoryToMemory = 2,
}

/** NVIC IRQ numbers of the streams (RM0433 interrupt vector table; libdaisy-facts §3 lists the ones libDaisy enables). */
export const DMA1_IRQS: readonly number[] = [11, 12, 13, 14, 15, 16, 17, 47];
export const DMA2_IRQS: readonly number[] = [56, 57, 58, 59, 60, 68, 69, 70];

/**
 * Memory a DMA1/DMA2 master cannot reach (AN4891 §2.4.3: only the CPU and MDMA reach the TCMs).
 * Returns the memory's name, or null when reachable.
 */
function tcmAt(addr: number): string | null {
  if (addr >>> 0 < 0x0001_0000) return 'ITCM';
  if (addr >>> 17 === 0x2000_0000 >>> 17) return 'DTCM';
  return null;
}

/** One of the eight streams of a DMA controller. */
export class DmaStream implements DmaStreamPort {
  cr = 0;
  /** NDTR as software sees it: items left in the current pass. */
  ndtr = 0;
  par = 0;
  m0ar = 0;
  m1ar = 0;
  fcr = 0x21;
  /** FEIF/DMEIF/TEIF/HTIF/TCIF in their stream-0 positions. */
  flags = 0;
  /** NDTR latched when the stream was enabled: the reload value for circular/double-buffer mode. */
  private initialCount = 0;
  /** The TCM address of this enable was already reported (at EN), so the failing transfer is not reported again. */
  tcmReported = false;

  constructor(
    private readonly controller: DmaController,
    readonly index: number,
    readonly irq: number,
  ) {}

  get enabled(): boolean {
    return (this.cr & CR_EN) !== 0;
  }

  /** Items already moved in the current pass. */
  get transferred(): number {
    return this.initialCount - this.ndtr;
  }

  writeCr(value: number): void {
    const wasEnabled = this.enabled;
    const keep = wasEnabled ? this.cr & CR_PROTECTED : 0;
    const take = wasEnabled ? CR_WRITABLE & ~CR_PROTECTED : CR_WRITABLE;
    this.cr = (keep | (value & take)) >>> 0;
    if (!wasEnabled && this.enabled) this.start();
    else if (wasEnabled && !this.enabled) this.stoppedBySoftware();
    this.updateIrq();
  }

  writeFcr(value: number): void {
    // FS (bits 5:3) is read-only status; FIFO is modelled as always empty (direct-mode behaviour).
    this.fcr = (value & 0x87) | (4 << 3);
    this.updateIrq();
  }

  /** NDTR, PAR, M0AR are write-protected while the stream is enabled (RM0433 §15.5.6–15.5.8). */
  writeNdtr(value: number): void {
    if (!this.enabled) this.ndtr = value & 0xffff;
  }
  writePar(value: number): void {
    if (!this.enabled) this.par = value >>> 0;
  }
  /** In double-buffer mode the buffer not in use may be changed on the fly (RM0433 §15.3, "Double-buffer mode"). */
  writeM0ar(value: number): void {
    if (!this.enabled || ((this.cr & CR_DBM) !== 0 && (this.cr & CR_CT) !== 0)) this.m0ar = value >>> 0;
  }
  writeM1ar(value: number): void {
    if (!this.enabled || ((this.cr & CR_DBM) !== 0 && (this.cr & CR_CT) === 0)) this.m1ar = value >>> 0;
  }

  clearFlags(bits: number): void {
    this.flags &= ~bits;
    this.updateIrq();
  }

  serviceRequest(): boolean {
    if (!this.enabled || this.ndtr === 0) return false;
    this.moveOneItem();
    return true;
  }

  private start(): void {
    this.initialCount = this.ndtr;
    this.tcmReported = this.controller.reportTcmAddresses(this);
    if (this.ndtr === 0) {
      // Nothing to move (a programming error: RM0433 asks for NDTR ≥ 1): modelled as an immediate end.
      this.cr &= ~CR_EN;
      return;
    }
    const direction = (this.cr >>> CR_DIR_SHIFT) & 3;
    if (direction === Direction.MemoryToMemory) this.controller.scheduleMemoryToMemory(this);
    else this.controller.streamEnabled(this.index);
  }

  /**
   * Software cleared EN during a transfer: the stream stops and TCIF is set to mark the effective
   * end (RM0433 §15.3, "Stream configuration procedure" / transfer suspension: TCIF marks the effective stop).
   */
  private stoppedBySoftware(): void {
    if (this.ndtr !== 0) this.flags |= TCIF;
  }

  /** The memory-side and peripheral-side addresses this enable will use, for the TCM check. */
  addressesInUse(): { memory: number[]; peripheral: number; memoryIsTarget: boolean } {
    const direction = (this.cr >>> CR_DIR_SHIFT) & 3;
    if (direction === Direction.MemoryToMemory) return { memory: [this.par, this.m0ar], peripheral: -1, memoryIsTarget: true };
    const memory = (this.cr & CR_DBM) !== 0 ? [this.m0ar, this.m1ar] : [(this.cr & CR_CT) !== 0 ? this.m1ar : this.m0ar];
    return { memory, peripheral: this.par, memoryIsTarget: direction === Direction.PeripheralToMemory };
  }

  /** Runs a whole memory-to-memory transfer (no request line: the stream free-runs, RM0433 §15.3, "Memory-to-memory mode"). */
  runMemoryToMemory(): void {
    while (this.enabled && this.ndtr !== 0) this.moveOneItem();
  }

  private moveOneItem(): void {
    const cr = this.cr;
    const direction = (cr >>> CR_DIR_SHIFT) & 3;
    const sizeCode = (cr >>> CR_PSIZE_SHIFT) & 3;
    // In direct mode MSIZE is forced to PSIZE (RM0433 §15.3, "Programmable data width, packing/unpacking"); in FIFO mode the bytes moved are the
    // same once packed, so one PSIZE item per request on both sides is exact for memory contents.
    const size = (sizeCode === 2 ? 4 : sizeCode === 1 ? 2 : 1) as AccessSize;
    const done = this.initialCount - this.ndtr;
    const periph = (this.par + ((cr & CR_PINC) !== 0 ? done * size : 0)) >>> 0;
    const memBase = direction === Direction.MemoryToMemory || (cr & CR_CT) === 0 ? this.m0ar : this.m1ar;
    const mem = (memBase + ((cr & CR_MINC) !== 0 ? done * size : 0)) >>> 0;
    const source = direction === Direction.MemoryToPeripheral ? mem : periph;
    const target = direction === Direction.MemoryToPeripheral ? periph : mem;
    if (!this.controller.transfer(this, source, target, size, direction === Direction.MemoryToMemory ? 3 : direction === Direction.PeripheralToMemory ? 1 : 2)) {
      this.transferError();
      return;
    }
    this.ndtr--;
    const moved = this.initialCount - this.ndtr;
    if (moved === this.initialCount >>> 1) this.flags |= HTIF;
    if (this.ndtr === 0) {
      this.flags |= TCIF;
      if ((cr & (CR_CIRC | CR_DBM)) !== 0) {
        // Circular / double-buffer: NDTR reloads and, with DBM, the target buffer swaps (RM0433 §15.3, "Circular mode" and "Double-buffer mode").
        this.ndtr = this.initialCount;
        if ((cr & CR_DBM) !== 0) this.cr ^= CR_CT;
      } else {
        this.cr &= ~CR_EN;
      }
    }
    this.updateIrq();
  }

  /** A bus error: TEIF set and the stream disabled by hardware (RM0433 §15.3, "Error management"). */
  private transferError(): void {
    this.flags |= TEIF;
    this.cr &= ~CR_EN;
    this.updateIrq();
  }

  updateIrq(): void {
    const cr = this.cr;
    let enabled = 0;
    if (cr & CR_TCIE) enabled |= TCIF;
    if (cr & CR_HTIE) enabled |= HTIF;
    if (cr & CR_TEIE) enabled |= TEIF;
    if (cr & CR_DMEIE) enabled |= DMEIF;
    if (this.fcr & FCR_FEIE) enabled |= FEIF;
    this.controller.setStreamIrq(this, (this.flags & enabled) !== 0);
  }
}

const LISR = 0x00;
const HISR = 0x04;
const LIFCR = 0x08;
const HIFCR = 0x0c;
const STREAM_BASE = 0x10;
const STREAM_STRIDE = 0x18;

/**
 * DMA1 or DMA2 (RM0433 §15): eight streams driven by DMAMUX1 request lines. A request moves one item
 * through the system bus as a DMA master; HT and TC flags rise at the exact item that reaches the half
 * and the end, so their timing is the requesting peripheral's (e.g. one SAI frame event per frame).
 * Memory-to-memory streams free-run: the whole block moves one cycle after EN (duration not modelled).
 */
export class DmaController extends MmioDevice {
  readonly streams: DmaStream[];
  private observer: DmaAccessObserver | null = null;
  private readonly irqLevel: Uint8Array;

  constructor(
    name: 'DMA1' | 'DMA2',
    base: number,
    private readonly context: SocContext,
    private readonly bus: DmaBusPort,
    private readonly dmamux: Dmamux | null,
    irqs: readonly number[] = name === 'DMA1' ? DMA1_IRQS : DMA2_IRQS,
  ) {
    super(name, base, 0x400);
    this.streams = irqs.map((irq, i) => new DmaStream(this, i, irq));
    this.irqLevel = new Uint8Array(8);
    const firstChannel = name === 'DMA1' ? 0 : 8;
    if (dmamux) this.streams.forEach((s, i) => dmamux.connectStream(firstChannel + i, s));
  }

  /** Installs the cache model's coherency hook (null removes it). */
  setAccessObserver(observer: DmaAccessObserver | null): void {
    this.observer = observer;
  }

  /** DMAMUX channel feeding stream `index` (RM0433 §16: channels 0–7 → DMA1, 8–15 → DMA2). */
  private channelOf(index: number): number {
    return (this.name === 'DMA1' ? 0 : 8) + index;
  }

  streamEnabled(index: number): void {
    this.dmamux?.streamEnabled(this.channelOf(index));
  }

  scheduleMemoryToMemory(stream: DmaStream): void {
    this.context.clock.schedule(this.context.clock.cycles + 1, () => stream.runMemoryToMemory());
  }

  setStreamIrq(stream: DmaStream, level: boolean): void {
    const l = level ? 1 : 0;
    if (this.irqLevel[stream.index] === l) return;
    this.irqLevel[stream.index] = l;
    this.context.setIrq(stream.irq, level);
  }

  /**
   * At EN: reports 'dma-to-tcm' for a stream set up with an address in ITCM/DTCM, so the diagnostic
   * points at the code that started it. The transfer error itself happens at the first access, as on
   * silicon. Returns true when something was reported.
   */
  reportTcmAddresses(stream: DmaStream): boolean {
    const { memory, peripheral, memoryIsTarget } = stream.addressesInUse();
    for (const addr of peripheral >= 0 ? [...memory, peripheral] : memory) {
      const tcm = tcmAt(addr);
      if (tcm === null) continue;
      const register = addr === peripheral ? 'PAR' : addr === stream.m1ar && addr !== stream.m0ar ? 'M1AR' : 'M0AR';
      this.context.rule(
        Rule.DmaToTcm,
        addr,
        addr === peripheral ? !memoryIsTarget : memoryIsTarget,
        `${this.name} stream ${stream.index} enabled with ${register} = 0x${hex(addr)} in ${tcm}: DMA1/DMA2 cannot reach the TCMs (AN4891 §2.4.3); its first access ends in a bus error, TEIF${stream.index} is set and the stream is disabled (RM0433 §15.3, "Error management")`,
      );
      return true;
    }
    return false;
  }

  /**
   * Moves one item from `source` to `target`. `memorySides`: bit 0 target is memory, bit 1 source is
   * memory. Returns false on a transfer error (after reporting it).
   */
  transfer(stream: DmaStream, source: number, target: number, size: AccessSize, memorySides: number): boolean {
    const tcm = tcmAt(source) ?? tcmAt(target);
    if (tcm !== null) {
      const addr = tcmAt(source) !== null ? source : target;
      if (stream.tcmReported) return false;
      stream.tcmReported = true;
      this.context.rule(
        Rule.DmaToTcm,
        addr,
        addr === target,
        `${this.name} stream ${stream.index} addresses ${tcm} at 0x${hex(addr)}: DMA1/DMA2 cannot reach the TCMs (AN4891 §2.4.3); the access ends in a bus error, TEIF${stream.index} is set and the stream is disabled (RM0433 §15.3, "Error management")`,
      );
      return false;
    }
    let value: number;
    try {
      value = this.bus.read(source, size);
      if (memorySides & 2) this.observer?.onDmaRead(source, size);
      this.bus.write(target, value, size);
      if (memorySides & 1) this.observer?.onDmaWrite(target, size);
    } catch (e) {
      if (!(e instanceof BusError)) throw e;
      this.context.rule(
        Rule.DmaBusError,
        e.address,
        e.isWrite,
        `${this.name} stream ${stream.index}: ${e.reason}; TEIF${stream.index} set and the stream disabled (RM0433 §15.3, "Error management")`,
      );
      return false;
    }
    return true;
  }

  /**
   * Every modelled register is event-stable: stream state changes at DMA requests (raised by device
   * events or by writes) and by writes; no read has a side effect.
   */
  override eventStableRead(offset: number): boolean {
    const o = offset & ~3;
    return o === LISR || o === HISR || o === LIFCR || o === HIFCR || this.streamAt(o) !== null;
  }

  readWord(offset: number): number {
    if (offset === LISR || offset === HISR) {
      const first = offset === LISR ? 0 : 4;
      let v = 0;
      for (let i = 0; i < 4; i++) v |= this.streams[first + i].flags << FLAG_SHIFT[i];
      return v >>> 0;
    }
    if (offset === LIFCR || offset === HIFCR) return 0;
    const s = this.streamAt(offset);
    if (s === null) {
      this.context.unmodelled(this.name, offset, false, 0);
      return 0;
    }
    switch ((offset - STREAM_BASE) % STREAM_STRIDE) {
      case 0x0:
        return s.cr;
      case 0x4:
        return s.ndtr;
      case 0x8:
        return s.par;
      case 0xc:
        return s.m0ar;
      case 0x10:
        return s.m1ar;
      default:
        return s.fcr;
    }
  }

  writeWord(offset: number, value: number): void {
    if (offset === LIFCR || offset === HIFCR) {
      const first = offset === LIFCR ? 0 : 4;
      for (let i = 0; i < 4; i++) {
        const bits = (value >>> FLAG_SHIFT[i]) & FLAG_MASK;
        if (bits) this.streams[first + i].clearFlags(bits);
      }
      return;
    }
    if (offset === LISR || offset === HISR) return; // read-only
    const s = this.streamAt(offset);
    if (s === null) {
      this.context.unmodelled(this.name, offset, true, value);
      return;
    }
    switch ((offset - STREAM_BASE) % STREAM_STRIDE) {
      case 0x0:
        s.writeCr(value);
        break;
      case 0x4:
        s.writeNdtr(value);
        break;
      case 0x8:
        s.writePar(value);
        break;
      case 0xc:
        s.writeM0ar(value);
        break;
      case 0x10:
        s.writeM1ar(value);
        break;
      default:
        s.writeFcr(value);
    }
  }

  private streamAt(offset: number): DmaStream | null {
    if (offset < STREAM_BASE || offset >= STREAM_BASE + 8 * STREAM_STRIDE) return null;
    return this.streams[((offset - STREAM_BASE) / STREAM_STRIDE) | 0];
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
