import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

/** DMAMUX1 request IDs used on the Daisy Seed (RM0433 §16, DMAMUX1 request-input table; libdaisy-facts §7 observed 87/88 in libDaisy's trace). */
export const DmaRequest = {
  SAI1_A: 87,
  SAI1_B: 88,
} as const;

/** What a DMA stream offers the multiplexer. */
export interface DmaStreamPort {
  /** The stream is enabled (SxCR.EN) and takes peripheral requests. */
  readonly enabled: boolean;
  /** One peripheral request: the stream moves one data item. Returns false when it could not (disabled). */
  serviceRequest(): boolean;
}

/**
 * A peripheral that raises DMA requests (its request line is level-sensitive: a SAI TX FIFO that is
 * not full keeps requesting). The multiplexer calls `dmaReady()` when a stream starts serving its
 * request ID, so the peripheral can issue the requests that were pending while no stream listened.
 */
export interface DmaRequester {
  dmaReady(): void;
}

const CCR_COUNT = 16;
const CxCR_DMAREQ_ID = 0xff;
/** CxCR.SE (bit 16) synchronisation and EGE (bit 9) event generation: not modelled. */
const CxCR_UNMODELLED = (1 << 16) | (1 << 9);
const CSR = 0x80;
const CFR = 0x84;
const RG0CR = 0x100;
const RGSR = 0x140;
const RGCFR = 0x144;

/**
 * DMAMUX1 (RM0433 §16): routes peripheral request lines to DMA1/DMA2 streams. Channel n (CnCR at
 * 4·n) feeds DMA1 stream n for n < 8 and DMA2 stream n − 8 for n ≥ 8 (RM0433 §16). Request
 * ID 0 means "no request". Synchronisation, event generation and the request generators are
 * stored but not modelled (reported once when used).
 */
export class Dmamux extends RegisterBlock {
  private readonly streams: (DmaStreamPort | null)[] = new Array<DmaStreamPort | null>(CCR_COUNT).fill(null);
  private readonly requesters: (DmaRequester | null)[] = new Array<DmaRequester | null>(256).fill(null);
  /** Request ID → channel serving it, −1 when none (rebuilt on CxCR writes). */
  private readonly channelOfRequest = new Int8Array(256).fill(-1);

  constructor(context: SocContext, base = 0x4002_0800) {
    super('DMAMUX1', base, 0x400, context);
    this.storedRange(0, (CCR_COUNT - 1) * 4);
    this.stored(CSR, CFR, RGSR, RGCFR);
    this.eventStableRange(0, (CCR_COUNT - 1) * 4);
    this.eventStableRange(RG0CR, RG0CR + 7 * 4);
    this.eventStable(CSR, CFR, RGSR, RGCFR);
  }

  /** Connects channel `channel` (0–15) to a DMA stream. */
  connectStream(channel: number, stream: DmaStreamPort): void {
    if (channel < 0 || channel >= CCR_COUNT) throw new RangeError(`DMAMUX1 has channels 0–15, not ${channel}`);
    this.streams[channel] = stream;
  }

  /** Registers the peripheral that drives request line `requestId`. */
  attachRequester(requestId: number, requester: DmaRequester): void {
    if (requestId <= 0 || requestId > 255) throw new RangeError(`DMAMUX1 request IDs are 1–255, not ${requestId}`);
    this.requesters[requestId] = requester;
  }

  /**
   * A peripheral raises request `requestId` for one data item. Returns true when an enabled stream
   * moved it. Not a hot path per instruction: called per audio word.
   */
  request(requestId: number): boolean {
    const channel = this.channelOfRequest[requestId & 0xff];
    if (channel < 0) return false;
    const stream = this.streams[channel];
    return stream !== null && stream.enabled && stream.serviceRequest();
  }

  /** Called by a DMA controller when channel `channel`'s stream becomes enabled. */
  streamEnabled(channel: number): void {
    const id = this.regs[channel] & CxCR_DMAREQ_ID;
    if (id !== 0) this.requesters[id]?.dmaReady();
  }

  /** The request ID channel `channel` forwards (CxCR.DMAREQ_ID). */
  requestIdOf(channel: number): number {
    return this.regs[channel] & CxCR_DMAREQ_ID;
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (offset < CCR_COUNT * 4) {
      const channel = offset >>> 2;
      this.regs[channel] = value & 0x1fff_03ff;
      if (value & CxCR_UNMODELLED) this.context.unmodelled(this.name, offset, true, value);
      this.rebuildRouting();
      if (this.streams[channel]?.enabled) this.streamEnabled(channel);
      return true;
    }
    if (offset === CFR) {
      // CFR: write 1 to clear the synchronisation overrun flags in CSR (RM0433 §16, DMAMUX_CFR).
      this.regs[CSR >>> 2] &= ~value;
      return true;
    }
    if (offset === RGCFR) {
      this.regs[RGSR >>> 2] &= ~value;
      return true;
    }
    if (offset >= RG0CR && offset < RG0CR + 8 * 4) {
      this.regs[offset >>> 2] = value;
      if (value & (1 << 16)) this.context.unmodelled(this.name, offset, true, value);
      return true;
    }
    return false;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset === CFR || offset === RGCFR) return 0;
    if (offset >= RG0CR && offset < RG0CR + 8 * 4) return this.regs[offset >>> 2];
    return undefined;
  }

  private rebuildRouting(): void {
    this.channelOfRequest.fill(-1);
    // Lowest channel wins when two channels carry the same request (only one stream serves it here).
    for (let c = CCR_COUNT - 1; c >= 0; c--) {
      const id = this.regs[c] & CxCR_DMAREQ_ID;
      if (id !== 0) this.channelOfRequest[id] = c;
    }
  }
}
