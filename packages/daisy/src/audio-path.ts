/**
 * The firmware's audio path as the board sees it: the DMA streams DMAMUX1 routes to a SAI block, how many
 * frames one of their interrupts stands for, and how long that block lasts at the SAI frame rate.
 */
import { DMA1_IRQS, DMA2_IRQS } from '@seedsim/soc';
import type { DaisyBoard } from './board.js';

/** DMAMUX1 request IDs of the SAI1/SAI2 blocks (RM0433 DMAMUX1 request table: 87–90). */
export const SAI_DMA_REQUESTS: ReadonlySet<number> = new Set([87, 88, 89, 90]);
/** NVIC lines of the DMA1/DMA2 streams: where an audio interrupt can come from. */
export const DMA_STREAM_IRQS: readonly number[] = [...DMA1_IRQS, ...DMA2_IRQS];
/** Exception number of NVIC line 0. */
export const EXCEPTION_IRQ_BASE = 16;

/** The DMA stream on NVIC line `irq` is routed (DMAMUX1) to a SAI block's request. */
export function servesSai(board: DaisyBoard, irq: number): boolean {
  for (const [dma, first] of [[board.storage.dma1, 0], [board.storage.dma2, 8]] as const) {
    for (const stream of dma.streams) {
      if (stream.irq === irq) return SAI_DMA_REQUESTS.has(board.storage.dmamux.requestIdOf(first + stream.index));
    }
  }
  return false;
}

/** Frames per block from the audio stream's transfer count (half a circular buffer of stereo words), else 48. */
export function blockFramesGuess(board: DaisyBoard, irq: number): number {
  for (const dma of [board.storage.dma1, board.storage.dma2]) {
    for (const stream of dma.streams) {
      if (stream.irq === irq) {
        const words = stream.transferred + stream.ndtr;
        const slots = board.storage.sai1.blockA.slotCount || 2;
        if (words > 0) return Math.max(1, Math.round(words / 2 / slots));
      }
    }
  }
  return 48;
}

/** CPU cycles one audio block of the stream on `irq` lasts at the SAI1 frame rate; 0 when SAI1 has no clock. */
export function blockCycles(board: DaisyBoard, irq: number): number {
  const sai = board.storage.sai1;
  const rate = sai.frameRate(sai.blockA);
  return rate > 0 ? (board.cpuHz * blockFramesGuess(board, irq)) / rate : 0;
}
