import { Rule } from '../rules.js';
import type { AccessSize, SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';
import { DmaRequest, type DmaRequester, type Dmamux } from './dmamux.js';
import type { ClockTree } from './clock-tree.js';

/**
 * Audio arriving at an RX block: one value per active slot per frame, as signed integers at the
 * block's data size (full scale ±2^(dataBits−1)). Called once per frame; must not allocate.
 */
export interface AudioSource {
  nextFrame(slots: Int32Array, slotCount: number, dataBits: number, sampleRate: number): void;
}

/** Audio leaving a TX block: the frame's slot values, sign-extended from the data size. */
export interface AudioSink {
  frame(slots: Int32Array, slotCount: number, dataBits: number, sampleRate: number): void;
}

/** Silence on every slot. */
export class SilenceSource implements AudioSource {
  nextFrame(slots: Int32Array, slotCount: number): void {
    slots.fill(0, 0, slotCount);
  }
}

/** A sine of `frequencyHz` at `amplitude` (0–1 of full scale) on every slot. */
export class SineSource implements AudioSource {
  private phase = 0;

  constructor(
    private readonly frequencyHz: number,
    private readonly amplitude = 0.5,
  ) {}

  nextFrame(slots: Int32Array, slotCount: number, dataBits: number, sampleRate: number): void {
    const full = 2 ** (dataBits - 1) - 1;
    const value = Math.round(Math.sin(this.phase) * this.amplitude * full);
    slots.fill(value, 0, slotCount);
    this.phase += (2 * Math.PI * this.frequencyHz) / sampleRate;
    if (this.phase > 2 * Math.PI) this.phase -= 2 * Math.PI;
  }
}

/** Drops every frame. */
export class NullSink implements AudioSink {
  frame(): void {}
}

/** Clock inputs of a SAI (from the RCC clock tree). */
export interface SaiClocks {
  /** sai_ker_ck in Hz (RCC_D2CCIP1R.SAI1SEL: PLL3P = 49.152 MHz class on the Daisy). */
  kernelHz(): number;
  /** CPU clock in Hz: simulated cycles per second. */
  cpuHz(): number;
}

/** SAI1 clocks from the live RCC clock tree (sai1_ker_ck and the CPU clock). */
export function sai1ClocksFrom(tree: ClockTree): SaiClocks {
  return { kernelHz: () => tree.clocks.sai1, cpuHz: () => tree.clocks.cpu };
}

// SAI_xCR1 (RM0433 §51.6). MCKDIV is 6 bits [25:20] in RM0433 Rev 7 (the SVD shows 4).
const CR1_DS_SHIFT = 5;
const CR1_SYNCEN_SHIFT = 10;
const CR1_SAIEN = 1 << 16;
const CR1_DMAEN = 1 << 17;
const CR1_NODIV = 1 << 19;
const CR1_MCKDIV_SHIFT = 20;
const CR1_OSR = 1 << 26;
const CR2_FFLUSH = 1 << 3;
// SAI_xSR (RM0433 §51.6).
const SR_OVRUDR = 1 << 0;
const SR_FREQ = 1 << 3;
const SR_FLVL_SHIFT = 16;
const FIFO_WORDS = 8;
/** DS field → data bits (RM0433 §51.6 SAI_xCR1.DS: 010 = 8 … 111 = 32; 000/001 reserved). */
const DATA_BITS = [8, 8, 8, 10, 16, 20, 24, 32] as const;

/** Block register offsets relative to the block (A at 0x04, B at 0x24). */
const CR1 = 0x00;
const CR2 = 0x04;
const FRCR = 0x08;
const SLOTR = 0x0c;
const IM = 0x10;
const SR = 0x14;
const CLRFR = 0x18;
const DR = 0x1c;

/** One audio sub-block (A or B) with its 8-word FIFO. */
export class SaiBlock implements DmaRequester {
  cr1 = 0x40;
  cr2 = 0;
  frcr = 7;
  slotr = 0;
  im = 0;
  /** Sticky flags of xSR (OVRUDR …); FREQ and FLVL are computed. */
  flags = 0;
  private readonly fifo = new Int32Array(FIFO_WORDS);
  private head = 0;
  count = 0;
  readonly slotBuffer = new Int32Array(16);
  source: AudioSource = new SilenceSource();
  sink: AudioSink = new NullSink();
  /** Frames this block has transferred since power-on. */
  frames = 0;

  constructor(
    readonly sai: Sai,
    readonly name: 'A' | 'B',
    readonly requestId: number,
  ) {}

  get enabled(): boolean {
    return (this.cr1 & CR1_SAIEN) !== 0;
  }
  get isTransmitter(): boolean {
    return (this.cr1 & 1) === 0; // MODE 00 master TX, 10 slave TX
  }
  get isMaster(): boolean {
    return (this.cr1 & 2) === 0;
  }
  /** SYNCEN: 0 asynchronous, 1 synchronous with the other block, 2 with an external SAI. */
  get syncMode(): number {
    return (this.cr1 >>> CR1_SYNCEN_SHIFT) & 3;
  }
  get dataBits(): number {
    return DATA_BITS[(this.cr1 >>> CR1_DS_SHIFT) & 7];
  }
  /** Active slots per frame: NBSLOT+1 slots, of which SLOTEN enables some (RM0433 §51.6, SAI_xSLOTR). */
  get slotCount(): number {
    const slots = ((this.slotr >>> 8) & 0xf) + 1;
    let enabled = (this.slotr >>> 16) & ((1 << slots) - 1);
    let n = 0;
    while (enabled) {
      n += enabled & 1;
      enabled >>>= 1;
    }
    return n;
  }

  /** FIFO level code of xSR.FLVL (RM0433 §51.6, SAI_xSR): 0 empty, 1 ≤ ¼, 2 ≤ ½, 3 ≤ ¾, 4 < full, 5 full. */
  get fifoLevelCode(): number {
    const c = this.count;
    if (c === 0) return 0;
    if (c === FIFO_WORDS) return 5;
    return Math.ceil((c * 4) / FIFO_WORDS);
  }

  readStatus(): number {
    // FREQ: a FIFO request is pending (TX: room for data; RX: data to read) — simplified to
    // not-full / not-empty, which is also when the DMA request is raised.
    const freq = this.isTransmitter ? this.count < FIFO_WORDS : this.count > 0;
    return (this.flags | (freq ? SR_FREQ : 0) | (this.fifoLevelCode << SR_FLVL_SHIFT)) >>> 0;
  }

  writeCr1(value: number): void {
    const was = this.cr1;
    // MCKDIV, NODIV, OSR, MODE, DS … are writable only while SAIEN = 0 (RM0433 §51.6, SAI_xCR1); we accept them
    // always, as the HAL clears SAIEN first.
    this.cr1 = value & 0x0ffb_3fef;
    const enabledNow = this.enabled;
    if ((was & CR1_SAIEN) === 0 && enabledNow) this.sai.blockEnabled(this);
    if ((was & CR1_SAIEN) !== 0 && !enabledNow) this.sai.blockDisabled(this);
    if ((this.cr1 & CR1_DMAEN) !== 0) this.serviceDma();
  }

  writeCr2(value: number): void {
    if (value & CR2_FFLUSH) {
      this.head = 0;
      this.count = 0;
    }
    this.cr2 = value & ~CR2_FFLUSH & 0xffff;
    if ((this.cr1 & CR1_DMAEN) !== 0) this.serviceDma();
  }

  clearFlags(value: number): void {
    this.flags &= ~(value & 0x77);
    this.sai.updateIrq();
  }

  /** CPU or DMA writes DR: one word into the TX FIFO (dropped when full). */
  pushData(value: number): void {
    if (this.count === FIFO_WORDS) return;
    this.fifo[(this.head + this.count) & (FIFO_WORDS - 1)] = value;
    this.count++;
  }

  /** CPU or DMA reads DR: one word out of the RX FIFO (0 when empty). */
  popData(): number {
    if (this.count === 0) return 0;
    const v = this.fifo[this.head];
    this.head = (this.head + 1) & (FIFO_WORDS - 1);
    this.count--;
    return v >>> 0;
  }

  /** DMAMUX: a stream started serving our request line. */
  dmaReady(): void {
    if ((this.cr1 & CR1_DMAEN) !== 0) this.serviceDma();
  }

  /**
   * The level-sensitive request line: a TX block requests while its FIFO has room, an RX block while
   * it holds data (RM0433 §51.4, "SAI DMA interface"). Bounded by the FIFO size so a stream that does
   * not touch our DR cannot loop.
   */
  serviceDma(): void {
    const dmamux = this.sai.dmamux;
    if (dmamux === null) return;
    for (let i = 0; i < FIFO_WORDS; i++) {
      if (this.isTransmitter ? this.count === FIFO_WORDS : this.count === 0) return;
      if (!dmamux.request(this.requestId)) return;
    }
  }

  /** One frame on the serial lines: the TX block sends its slots, the RX block receives them. */
  transferFrame(sampleRate: number): void {
    const n = this.slotCount;
    const bits = this.dataBits;
    const slots = this.slotBuffer;
    this.frames++;
    if (this.isTransmitter) {
      const shift = 32 - bits;
      for (let i = 0; i < n; i++) {
        if (this.count === 0) {
          // Underrun: nothing to send (RM0433 §51.4, "Error flags": underrun); the line carries zeros here.
          this.flags |= SR_OVRUDR;
          slots[i] = 0;
        } else {
          slots[i] = shift === 0 ? this.popData() | 0 : (this.popData() << shift) >> shift;
        }
      }
      this.sink.frame(slots, n, bits, sampleRate);
    } else {
      this.source.nextFrame(slots, n, bits, sampleRate);
      const mask = bits === 32 ? 0xffff_ffff : (1 << bits) - 1;
      for (let i = 0; i < n; i++) {
        if (this.count === FIFO_WORDS) this.flags |= SR_OVRUDR; // overrun: the word is lost
        else this.pushData(slots[i] & mask);
      }
    }
    if ((this.cr1 & CR1_DMAEN) !== 0) this.serviceDma();
  }

  readRegister(offset: number): number {
    switch (offset) {
      case CR1:
        return this.cr1;
      case CR2:
        return this.cr2;
      case FRCR:
        return this.frcr;
      case SLOTR:
        return this.slotr;
      case IM:
        return this.im;
      case SR:
        return this.readStatus();
      case CLRFR:
        return 0;
      default:
        return this.popData();
    }
  }

  writeRegister(offset: number, value: number): void {
    switch (offset) {
      case CR1:
        this.writeCr1(value);
        break;
      case CR2:
        this.writeCr2(value);
        break;
      case FRCR:
        this.frcr = value & 0x7_7fff;
        break;
      case SLOTR:
        this.slotr = value & 0xffff_0fdf;
        break;
      case IM:
        this.im = value & 0x7f;
        this.sai.updateIrq();
        break;
      case SR:
        break;
      case CLRFR:
        this.clearFlags(value);
        break;
      default:
        this.pushData(value);
    }
  }
}

const GCR = 0x00;
const BLOCK_A = 0x04;
const BLOCK_B = 0x24;
const BLOCK_SIZE = 0x20;
const PDMCR = 0x44;
const PDMDLY = 0x48;
/** SAI1 global interrupt (RM0433 interrupt vector table). */
export const SAI1_IRQ = 87;

export interface SaiOptions {
  clocks: SaiClocks;
  dmamux: Dmamux | null;
  /** DMAMUX request IDs of blocks A and B (SAI1: 87, 88 — RM0433 §16 DMAMUX1 request table). */
  requestIds?: readonly [number, number];
  irq?: number;
  name?: string;
  base?: number;
}

/**
 * SAI1 (RM0433 §51): two audio blocks. A master block generates frames at
 *   FS = sai_ker_ck / (MCKDIV · (OSR + 1) · 256)   when NODIV = 0 (MCKDIV = 0 counts as 1),
 *   FS = sai_ker_ck / (MCKDIV · (FRL + 1))         when NODIV = 1
 * (RM0433 §51.4.8 "Clock generator"). It schedules one Clock event per frame; at each frame it and a
 * block synchronous to it (SYNCEN = 01) move one word per active slot between FIFO and the audio
 * source/sink, and each block's DMA request refills/drains the FIFO immediately, so a DMA stream's HT
 * and TC land on the exact frame.
 */
export class Sai extends RegisterBlock {
  readonly blockA: SaiBlock;
  readonly blockB: SaiBlock;
  readonly dmamux: Dmamux | null;
  private readonly clocks: SaiClocks;
  private readonly irq: number;
  private irqLevel = false;
  /** Per master block: its frame event handle and the fractional cycle of its next frame. */
  private readonly frameEvent: [object | null, object | null] = [null, null];
  private readonly nextFrameAt = [0, 0];
  private readonly frameCallbacks = [() => this.frame(0), () => this.frame(1)] as const;

  constructor(context: SocContext, options: SaiOptions) {
    super(options.name ?? 'SAI1', options.base ?? 0x4001_5800, 0x400, context, 'SAI1');
    this.clocks = options.clocks;
    this.dmamux = options.dmamux;
    this.irq = options.irq ?? SAI1_IRQ;
    const [idA, idB] = options.requestIds ?? [DmaRequest.SAI1_A, DmaRequest.SAI1_B];
    this.blockA = new SaiBlock(this, 'A', idA);
    this.blockB = new SaiBlock(this, 'B', idB);
    this.dmamux?.attachRequester(idA, this.blockA);
    this.dmamux?.attachRequester(idB, this.blockB);
    this.stored(GCR, PDMCR, PDMDLY);
    // SR (FREQ, FLVL, flags) follows the FIFO, which moves at frame events, on DR accesses and by DMA.
    // Not DR (a FIFO pop).
    this.eventStable(GCR, PDMCR, PDMDLY);
    for (const block of [BLOCK_A, BLOCK_B]) this.eventStable(block + CR1, block + CR2, block + FRCR, block + SLOTR, block + IM, block + SR, block + CLRFR);
  }

  /** Frame rate of a master block from the current clocks (Hz), 0 when it has no clock. */
  frameRate(block: SaiBlock): number {
    const cr1 = block.cr1;
    const kernel = this.clocks.kernelHz();
    const div = ((cr1 >>> CR1_MCKDIV_SHIFT) & 0x3f) || 1;
    if ((cr1 & CR1_NODIV) === 0) return kernel / (div * ((cr1 & CR1_OSR) !== 0 ? 2 : 1) * 256);
    return kernel / (div * ((block.frcr & 0xff) + 1));
  }

  /** Attaches the audio input of `block` (an RX block pulls from it). */
  setSource(block: 'A' | 'B', source: AudioSource): void {
    (block === 'A' ? this.blockA : this.blockB).source = source;
  }

  setSink(block: 'A' | 'B', sink: AudioSink): void {
    (block === 'A' ? this.blockA : this.blockB).sink = sink;
  }

  blockEnabled(block: SaiBlock): void {
    if (!block.isMaster) {
      if (block.syncMode !== 1) this.context.unmodelled(this.name, block === this.blockA ? BLOCK_A : BLOCK_B, true, block.cr1);
      return; // a synchronous slave runs on its master's frame events
    }
    const i = block === this.blockA ? 0 : 1;
    this.nextFrameAt[i] = this.context.clock.cycles;
    if (!(this.frameRate(block) > 0)) {
      this.context.rule(Rule.PeripheralNoClock, this.base + (i === 0 ? BLOCK_A : BLOCK_B), true, `${this.name} block ${i === 0 ? 'A' : 'B'} enabled as master with no kernel clock: its RCC source (SAI1SEL/SAI23SEL, PLL1Q/PLL2P/PLL3P by default) is not running, so no audio frame is clocked`);
    }
    this.scheduleFrame(i);
  }

  blockDisabled(block: SaiBlock): void {
    const i = block === this.blockA ? 0 : 1;
    this.context.clock.cancel(this.frameEvent[i]);
    this.frameEvent[i] = null;
  }

  private scheduleFrame(i: number): void {
    const master = i === 0 ? this.blockA : this.blockB;
    const rate = this.frameRate(master);
    if (!(rate > 0)) return;
    this.nextFrameAt[i] += this.clocks.cpuHz() / rate;
    this.frameEvent[i] = this.context.clock.schedule(Math.ceil(this.nextFrameAt[i]), this.frameCallbacks[i]);
  }

  private frame(i: number): void {
    const master = i === 0 ? this.blockA : this.blockB;
    const other = i === 0 ? this.blockB : this.blockA;
    const rate = this.frameRate(master);
    // Receive before transmit: the RX DMA stream's HT/TC then fall on the frame that completes the half.
    const slave = other.enabled && !other.isMaster && other.syncMode === 1 ? other : null;
    if (slave !== null && !slave.isTransmitter) slave.transferFrame(rate);
    master.transferFrame(rate);
    if (slave !== null && slave.isTransmitter) slave.transferFrame(rate);
    this.updateIrq();
    this.scheduleFrame(i);
  }

  updateIrq(): void {
    const level = (this.blockA.readStatus() & this.blockA.im & 0x7f) !== 0 || (this.blockB.readStatus() & this.blockB.im & 0x7f) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.context.setIrq(this.irq, level);
    }
  }

  /** DR takes whole data items whatever the access width (RM0433 §51.6, SAI_xDR). */
  override read(offset: number, size: AccessSize): number {
    const block = this.blockAt(offset);
    if (block !== null && offset - (block === this.blockA ? BLOCK_A : BLOCK_B) >= DR) {
      const v = block.popData();
      if (block.im !== 0) this.updateIrq();
      return v;
    }
    return super.read(offset, size);
  }

  override write(offset: number, value: number, size: AccessSize): void {
    const block = this.blockAt(offset);
    if (block !== null && offset - (block === this.blockA ? BLOCK_A : BLOCK_B) >= DR) {
      block.pushData(value);
      if (block.im !== 0) this.updateIrq();
      return;
    }
    super.write(offset, value, size);
  }

  protected override readRegister(offset: number): number | undefined {
    const block = this.blockAt(offset);
    if (block === null) return undefined;
    return block.readRegister(offset - (block === this.blockA ? BLOCK_A : BLOCK_B));
  }

  protected override writeRegister(offset: number, value: number): boolean {
    const block = this.blockAt(offset);
    if (block === null) return false;
    block.writeRegister(offset - (block === this.blockA ? BLOCK_A : BLOCK_B), value);
    return true;
  }

  private blockAt(offset: number): SaiBlock | null {
    if (offset >= BLOCK_A && offset < BLOCK_A + BLOCK_SIZE) return this.blockA;
    if (offset >= BLOCK_B && offset < BLOCK_B + BLOCK_SIZE) return this.blockB;
    return null;
  }
}
