/**
 * The firmware's audio path as the board sees it: the DMA streams DMAMUX1 routes to a SAI block, how many
 * frames one of their interrupts stands for, and how long that block lasts at the SAI frame rate.
 */
import { DMA1_IRQS, DMA2_IRQS, type DmaStream } from '@seedsim/soc';
import type { DaisyBoard } from './board.js';

/** DMAMUX1 request IDs of the SAI1/SAI2 blocks (RM0433 DMAMUX1 request table: 87–90). */
export const SAI_DMA_REQUESTS: ReadonlySet<number> = new Set([87, 88, 89, 90]);
/** NVIC lines of the DMA1/DMA2 streams: where an audio interrupt can come from. */
export const DMA_STREAM_IRQS: readonly number[] = [...DMA1_IRQS, ...DMA2_IRQS];
/** Exception number of NVIC line 0. */
export const EXCEPTION_IRQ_BASE = 16;

/** A DMA1/DMA2 stream with its DMAMUX1 channel (RM0433 §16: channels 0–7 → DMA1, 8–15 → DMA2). */
export interface RoutedStream {
  stream: DmaStream;
  /** The DMAMUX1 request feeding it. */
  request: number;
}

/** Every DMA1/DMA2 stream with the request DMAMUX1 routes to it. */
export function dmaStreams(board: DaisyBoard): RoutedStream[] {
  const { dma1, dma2, dmamux } = board.storage;
  const routed = (first: number) => (stream: DmaStream) => ({ stream, request: dmamux.requestIdOf(first + stream.index) });
  return [...dma1.streams.map(routed(0)), ...dma2.streams.map(routed(8))];
}

/** The stream that raises NVIC line `irq`, if any. */
export function streamOnIrq(board: DaisyBoard, irq: number): RoutedStream | undefined {
  return dmaStreams(board).find((s) => s.stream.irq === irq);
}

/** The DMA stream on NVIC line `irq` is routed (DMAMUX1) to a SAI block's request. */
export function servesSai(board: DaisyBoard, irq: number): boolean {
  const s = streamOnIrq(board, irq);
  return s !== undefined && SAI_DMA_REQUESTS.has(s.request);
}

/** Frames per block from the audio stream's transfer count (half a circular buffer of stereo words), else 48. */
export function blockFramesGuess(board: DaisyBoard, irq: number): number {
  const s = streamOnIrq(board, irq);
  const words = s ? s.stream.transferred + s.stream.ndtr : 0;
  const slots = board.storage.sai1.blockA.slotCount || 2;
  return words > 0 ? Math.max(1, Math.round(words / 2 / slots)) : 48;
}

/** CPU cycles one audio block of the stream on `irq` lasts at the SAI1 frame rate; 0 when SAI1 has no clock. */
export function blockCycles(board: DaisyBoard, irq: number): number {
  const sai = board.storage.sai1;
  const rate = sai.frameRate(sai.blockA);
  return rate > 0 ? (board.cpuHz * blockFramesGuess(board, irq)) / rate : 0;
}
