import type { SymbolTable } from '@seedsim/elf';
import { SAI_DMA_REQUESTS, dmaStreams } from './audio-path.js';
import type { DaisyBoard } from './board.js';

/** The STM32 HAL's SAI transfer starts (stm32h7xx_hal_sai.c): StartAudio reaches one of them. */
const HAL_SAI_STARTS = ['HAL_SAI_Transmit_DMA', 'HAL_SAI_Receive_DMA', 'HAL_SAI_Transmit_IT', 'HAL_SAI_Receive_IT', 'HAL_SAI_Transmit', 'HAL_SAI_Receive'];

/**
 * Why the image cannot start audio, judged from its symbols alone, or null when it may. An image that
 * links the HAL's SAI driver (HAL_SAI_Init: libDaisy's hw.Init sets the codec's SAI up) but none of its
 * transfer starts never calls StartAudio: libDaisy and the HAL are linked with --gc-sections, so a start
 * that is never called is not there. Firmware without the HAL's SAI driver (registers written directly,
 * other frameworks) is not judged.
 */
export function saiNeverStarts(symbols: SymbolTable): string | null {
  // GCC's clones keep the name with a suffix under -O2/-flto: HAL_SAI_Receive_DMA.isra.0, .constprop.0.
  const linked = (name: string) => symbols.get(name) !== undefined || symbols.all.some((s) => s.name.startsWith(`${name}.`));
  if (!linked('HAL_SAI_Init')) return null;
  if (HAL_SAI_STARTS.some(linked)) return null;
  return `the image links the HAL's SAI driver (HAL_SAI_Init) but none of its transfer starts (${HAL_SAI_STARTS.join(', ')}): nothing in it starts audio (no StartAudio call in libDaisy, or DAISY.begin in DaisyDuino?)`;
}

/**
 * Watches a boot that has not reached audio yet: where the CPU spends its cycles window by window, and
 * what the audio path (SAI blocks, DMA streams routed to them) looks like, so a firmware that never starts
 * audio gets a diagnosis ("spinning in HAL_Delay ← SdmmcHandler::Init; SDMMC1 registers unmodelled")
 * instead of a bare timeout.
 */
export class BootWatch {
  private lastExclusive = new Map<number, number>();
  private lastWindow: { name: string; share: number }[] = [];
  private lastClock = 0;
  private lastIdle = 0;
  /** Share of the last window the core spent in WFI/WFE or a skipped idle loop. */
  private idleShare = 0;
  /** A window has been closed (checkpoint after the first). */
  hasWindow = false;
  private started = false;

  /** `staticNote`: what the image's symbols say about starting audio (saiNeverStarts), shown with the rest. */
  constructor(
    private readonly board: DaisyBoard,
    private readonly staticNote: string | null = null,
  ) {
    this.checkpoint();
  }

  /** Closes a window: remembers which functions took the cycles since the previous checkpoint. */
  checkpoint(): void {
    const profile = this.board.profiler.profile();
    const deltas: { name: string; cycles: number }[] = [];
    let total = 0;
    const next = new Map<number, number>();
    profile.forEach((f, id) => {
      next.set(id, f.exclusive);
      const d = f.exclusive - (this.lastExclusive.get(id) ?? 0);
      if (d > 0 && f.name !== '[sleep]') {
        deltas.push({ name: f.name, cycles: d });
        total += d;
      }
    });
    this.lastExclusive = next;
    deltas.sort((a, b) => b.cycles - a.cycles);
    this.lastWindow = deltas
      .slice(0, 3)
      .map((d) => ({ name: d.name, share: d.cycles / total }))
      .filter((d) => d.share >= 0.01);
    const clock = this.board.clock.cycles;
    const idle = this.board.exceptions.sleepCycles + this.board.exceptions.spinCycles;
    this.idleShare = clock > this.lastClock ? (idle - this.lastIdle) / (clock - this.lastClock) : 0;
    this.lastClock = clock;
    this.lastIdle = idle;
    this.hasWindow = this.started;
    this.started = true;
  }

  /** One line: simulated time, the audio path's state and the busiest code of the last window. */
  progressLine(simulatedSeconds: number): string {
    const note = this.staticNote !== null ? `; ${this.staticNote}` : '';
    return `booting: ${simulatedSeconds.toFixed(1)} s simulated, no audio interrupt yet; ${this.audioState()}; ${this.busyText()}${note}`;
  }

  /** Several lines for the error when the boot budget runs out. */
  diagnosis(): string {
    const lines = [`  audio path: ${this.audioState()}`, `  CPU: ${this.busyText()}`];
    if (this.staticNote !== null) lines.push(`  ${this.staticNote}`);
    const stack = this.board.profiler.callStack();
    if (stack.length > 0) lines.push(`  call stack now: ${stack.join(' ← ')}`);
    const unmodelled = this.board.rules.unmodelled;
    if (unmodelled.length > 0) {
      const names = [...new Set(unmodelled.map((u) => u.register))];
      lines.push(`  unmodelled registers touched (the firmware may be waiting on one): ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`);
    }
    return lines.join('\n');
  }

  private busyText(): string {
    const idle = this.idleShare >= 0.01 ? `idle (asleep or waiting in a loop) ${(this.idleShare * 100).toFixed(0)}% of the time` : '';
    if (this.lastWindow.length === 0) return idle || 'no instructions executed';
    const busy = `busiest code ${this.lastWindow.map((w) => `${w.name} ${(w.share * 100).toFixed(0)}%`).join(', ')}`;
    return idle ? `${idle}; ${busy}` : busy;
  }

  private audioState(): string {
    const s = this.board.storage;
    const blocks = [
      ['SAI1 A', s.sai1.blockA],
      ['SAI1 B', s.sai1.blockB],
      ['SAI2 A', s.sai2.blockA],
      ['SAI2 B', s.sai2.blockB],
    ] as const;
    const on = blocks.filter(([, b]) => b.enabled).map(([n]) => n);
    const saiStreams = dmaStreams(this.board).filter((r) => SAI_DMA_REQUESTS.has(r.request));
    const routed = saiStreams.length;
    const routedOn = saiStreams.filter((r) => r.stream.enabled).length;
    const sai = on.length > 0 ? `${on.join(', ')} enabled` : 'no SAI block enabled (audio not started: no StartAudio, or DAISY.begin in DaisyDuino?)';
    const dma = routed === 0 ? 'no DMA stream routed to a SAI' : `${routedOn} of ${routed} SAI DMA streams enabled`;
    return `${sai}, ${dma}`;
  }
}
