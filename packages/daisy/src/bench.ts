import type { ElfImage } from '@seedsim/elf';
import { DaisyBoard, type BoardOptions, type RunOutcome } from './board.js';
import { DMA_STREAM_IRQS, EXCEPTION_IRQ_BASE, blockFramesGuess, servesSai } from './audio-path.js';
import { BootWatch, saiNeverStarts } from './boot-watch.js';
import type { BenchResult, HotFunction, RegionBreakdown } from './bench-report.js';
import { summarize } from './stats.js';

export interface BenchOptions extends BoardOptions {
  /** Audio blocks to measure (default: one second of audio at the firmware's block rate). */
  blocks?: number;
  /**
   * Give up if no audio interrupt has completed after this many simulated seconds of boot. Default
   * {@link DEFAULT_BOOT_SECONDS}, or {@link NO_START_BOOT_SECONDS} when the image's symbols show it
   * cannot start audio (saiNeverStarts).
   */
  bootSeconds?: number;
  /** Name of the callback function to time (default: found through the DMA interrupt). */
  callback?: string;
  /**
   * Told, once per simulated second of a boot that has not reached audio yet, what the firmware is doing
   * (BootWatch.progressLine), so a long or stuck boot is visible while it runs.
   */
  onBootProgress?: (line: string) => void;
  /** Hot functions to report. */
  top?: number;
}

/** A failure to benchmark: the firmware stopped, or never produced an audio interrupt. */
export class BenchError extends Error {
  constructor(
    message: string,
    readonly outcome: RunOutcome | null,
  ) {
    super(message);
    this.name = 'BenchError';
  }
}

const AUDIO_IRQS = DMA_STREAM_IRQS;

/** Simulated seconds of boot before giving up on audio: the DaisyExamples reach it in 0.18–1.26 s (docs/measurements.md, "DaisyExamples"). */
export const DEFAULT_BOOT_SECONDS = 10;
/**
 * The same for an image that links nothing to start audio with: enough for a boot to show what it does,
 * without spending minutes of wall time on a main loop that never starts audio.
 */
export const NO_START_BOOT_SECONDS = 2;

/**
 * How many times per audio interrupt a function called `calls` times over `interrupts` interrupts was
 * called, when that is a whole number from 1 to 4 (within one call per time per interrupt counted, the
 * measurement window cutting an interrupt); else 0.
 */
export function callsPerInterrupt(calls: number, interrupts: number): number {
  if (interrupts <= 0) return 0;
  const k = Math.round(calls / interrupts);
  return k >= 1 && k <= 4 && Math.abs(calls - k * interrupts) <= k ? k : 0;
}

/**
 * Code of the frameworks that call the user's callback (libDaisy's namespace, ST's HAL and its static
 * SAI/DMA helpers): a function they call through a pointer is the user's, however small.
 */
export function isFrameworkFunction(name: string): boolean {
  return /^(_ZN5daisy|_ZN13DaisyHardware|HAL_|SAI_|DMA_|I2S_)/.test(name);
}

/** What audioCallbackCandidates may also know of the pointer calls, to drop helpers inside the callback. */
export interface CalleeFacts {
  /** Inclusive cycles of each function over the same window as the call counts. */
  inclusive: ReadonlyMap<number, number>;
  isFramework(fn: number): boolean;
}

/**
 * The functions called through a pointer inside the audio interrupt that may be the user's callback:
 * those called once per interrupt (callsPerInterrupt), or a whole number of times when the interrupt
 * overran (both DMA halves pending: the callback is then called from two places, the DMA's half- and
 * full-transfer handlers, or as often as the overrun call it is made in), less helpers made inside
 * another candidate, the one pointer call they are always made in:
 *   - called more times per interrupt than it (a virtual Process() the callback calls per channel or voice);
 *   - with `facts`, taking less than {@link CALLBACK_MIN_SHARE} of its cycles when it is the user's code,
 *     not a framework's (a knob read through a virtual call in Faust's UI update, once per block);
 *   - made inside such a helper.
 */
export function audioCallbackCandidates(
  calls: ReadonlyMap<number, number>,
  parents: ReadonlyMap<number, ReadonlySet<number>>,
  interrupts: number,
  facts?: CalleeFacts,
): [number, number][] {
  const times = new Map<number, number>();
  for (const [fn, n] of calls) {
    const k = callsPerInterrupt(n, interrupts);
    if (k > 0) times.set(fn, k);
  }
  const only = (fn: number): number | undefined => {
    const from = parents.get(fn);
    return from !== undefined && from.size === 1 ? [...from][0] : undefined;
  };
  const verdict = new Map<number, boolean>();
  const accepted = (fn: number, depth = 0): boolean => {
    const known = verdict.get(fn);
    if (known !== undefined) return known;
    let ok = false;
    const k = times.get(fn);
    if (k !== undefined && depth < 64) {
      const parent = only(fn);
      const parentTimes = parent === undefined ? undefined : times.get(parent);
      if (parent === undefined || parentTimes === undefined) {
        // Not inside another candidate: once per interrupt, or an overrun's calls from two places.
        ok = k === 1 || (parents.get(fn)?.size ?? 0) >= 2;
      } else {
        ok = k <= parentTimes && accepted(parent, depth + 1);
        if (ok && facts !== undefined && !facts.isFramework(parent)) {
          ok = (facts.inclusive.get(fn) ?? 0) >= CALLBACK_MIN_SHARE * (facts.inclusive.get(parent) ?? 0);
        }
      }
    }
    verdict.set(fn, ok);
    return ok;
  };
  return [...calls.entries()].filter(([fn]) => accepted(fn));
}

/**
 * The least share of the enclosing candidate's cycles a function called inside user code must take to be
 * taken for the callback: a knob read through a virtual call takes a few percent of the callback it is
 * in. [I] chosen well below any callback's share of its caller.
 */
export const CALLBACK_MIN_SHARE = 0.25;

/**
 * Boots the image, lets the firmware's own DMA interrupt drive the audio callback, and measures it:
 *   1. boot until audio DMA interrupts have completed a few times (the stream that fires at the block
 *      rate and does the most work is the audio interrupt);
 *   2. find the callback: the function the interrupt reaches through a function pointer (how Daisy's
 *      AudioHandle calls the user's callback), else the handler's direct callee with the most cycles,
 *      unless `callback` names it;
 *   3. measure `blocks` further interrupts: cycles per callback and per interrupt, cycles by cause and
 *      region from the timing model, the hottest functions.
 */
export function benchImage(image: ElfImage, options: BenchOptions = {}): BenchResult {
  const board = new DaisyBoard(image, options);
  const isrSamples = new Map<number, number[]>();
  /** The cycle each DMA interrupt first completed: boot ends at the first one of the audio interrupt. */
  const firstCompleted = new Map<number, number>();
  for (const irq of AUDIO_IRQS) {
    const list: number[] = [];
    isrSamples.set(irq, list);
    board.profiler.onExceptionComplete(irq + EXCEPTION_IRQ_BASE, (cycles) => {
      if (list.length === 0) firstCompleted.set(irq, board.clock.cycles);
      list.push(cycles);
    });
  }
  const busiestIrq = (): number | null => {
    let best: number | null = null;
    let bestTotal = 0;
    // Streams routed to a SAI request are the audio ones; others (the ADC's, the DAC's) count only when
    // no stream is routed to a SAI (firmware that moves audio some other way).
    const saiOnly = AUDIO_IRQS.some((irq) => servesSai(board, irq));
    for (const [irq, list] of isrSamples) {
      if (saiOnly && !servesSai(board, irq)) continue;
      const total = list.reduce((a, b) => a + b, 0);
      if (list.length >= 2 && total > bestTotal) {
        best = irq;
        bestTotal = total;
      }
    }
    return best;
  };

  // 1. Boot.
  const neverStarts = saiNeverStarts(image.symbols);
  const bootBudgetSeconds = options.bootSeconds ?? (neverStarts !== null ? NO_START_BOOT_SECONDS : DEFAULT_BOOT_SECONDS);
  const bootStart = board.clock.cycles;
  const watch = new BootWatch(board, neverStarts);
  // Simulated time from the board's clock of seconds, which follows the CPU clock as the firmware changes it.
  const bootStartSeconds = board.time.now();
  let bootSeconds = 0;
  let nextProgress = 1;
  while (busiestIrq() === null || (isrSamples.get(busiestIrq()!)!.length ?? 0) < 4) {
    // Progress while no interrupt of a stream routed to a SAI has completed (an ADC's DMA does not count).
    const audioSeen = AUDIO_IRQS.some((i) => servesSai(board, i) && isrSamples.get(i)!.length > 0);
    if (!audioSeen && bootSeconds >= nextProgress) {
      watch.checkpoint();
      options.onBootProgress?.(watch.progressLine(bootSeconds));
      nextProgress += 1;
    }
    if (bootSeconds > bootBudgetSeconds) {
      if (!watch.hasWindow) watch.checkpoint();
      throw new BenchError(`${image.name}: no audio interrupt completed within ${bootBudgetSeconds} s (simulated) of boot: is audio started?\n${watch.diagnosis()}`, null);
    }
    const outcome = board.run({ maxCycles: 2_000_000 });
    bootSeconds = board.time.now() - bootStartSeconds;
    if (outcome.reason !== 'budget') {
      const why = neverStarts !== null ? `\n  ${neverStarts}` : '';
      throw new BenchError(`${image.name}: the firmware stopped before audio ran: ${outcome.message}${why}`, outcome);
    }
  }
  const irq = busiestIrq()!;
  const firstAudio = firstCompleted.get(irq) ?? board.clock.cycles;
  const isrFn = board.profiler.profile().find((f) => f.calls > 0 && isrHandlerMatches(board, irq, f.address));

  // 2. The callback.
  let callbackName: string;
  let how: string;
  if (options.callback) {
    const symbol = image.symbols.get(options.callback);
    if (!symbol || symbol.kind !== 'function') throw new BenchError(`${image.name}: no function named '${options.callback}' (--callback)`, null);
    callbackName = symbol.name;
    how = 'named with --callback';
  } else {
    // Frameworks call the user's callback through a function pointer, often under layers of their own
    // pointer calls (libDaisy: DMA HAL → SAI handle → AudioHandle → user callback). The user's callback is
    // the deepest such call made once per audio interrupt, or a whole number of times: a callback that
    // overruns its block finds both DMA halves pending when it returns, and the HAL's handler calls it
    // for each (twice per interrupt).
    const interrupts = isrSamples.get(irq)!.length;
    const profiler = board.profiler;
    // Only pointer calls made under the audio interrupt itself: another DMA interrupt nested in it (the
    // Patch SM's DAC stream) has callbacks of its own.
    const underAudio = new Map([...profiler.indirectCalleeCalls].filter(([fn]) => {
      const under = profiler.indirectCalleeExceptions.get(fn);
      return under !== undefined && under.size === 1 && under.has(irq + EXCEPTION_IRQ_BASE);
    }));
    const perBlock = audioCallbackCandidates(underAudio, profiler.indirectCalleeParents, interrupts, {
      inclusive: profiler.indirectCallees,
      isFramework: (fn) => isFrameworkFunction(profiler.functionName(fn)),
    });
    perBlock.sort((a, b) => (profiler.indirectCalleeDepth.get(b[0]) ?? 0) - (profiler.indirectCalleeDepth.get(a[0]) ?? 0));
    const pick = (m: Map<number, number>) => [...m.entries()].sort((a, b) => b[1] - a[1])[0];
    const indirect = perBlock[0] ?? pick(profiler.indirectCallees);
    const direct = pick(profiler.handlerCallees);
    const chosen = indirect ?? direct;
    callbackName = chosen ? profiler.functionName(chosen[0]) : (isrFn?.name ?? `IRQ ${irq}`);
    how = indirect ? 'called through a function pointer from the audio interrupt' : direct ? "the audio interrupt handler's main callee" : 'the audio interrupt handler itself';
  }
  const callbackSymbol = image.symbols.get(callbackName);
  const callbackSamples: number[] = [];
  if (callbackSymbol) board.profiler.onFunctionComplete(callbackSymbol, (cycles) => callbackSamples.push(cycles));

  // 3. Measure.
  const isrList = isrSamples.get(irq)!;
  isrList.length = 0;
  board.profiler.resetTotals();
  const before = board.timingSnapshot();
  const sampleRateHz = board.storage.sai1.frameRate(board.storage.sai1.blockA) || 48_000;
  const blocksWanted = options.blocks ?? Math.max(1, Math.round(sampleRateHz / blockFramesGuess(board, irq)));
  const perBlockGuess = board.cpuHz / (sampleRateHz / blockFramesGuess(board, irq));
  // Gives up only when no audio interrupt has completed for a long while: a callback that overruns its
  // block is slower than the block rate, but it is still a result (load above 100%).
  const stallBudget = 50 * perBlockGuess + 10_000_000;
  let lastProgress = board.clock.cycles;
  let lastCount = 0;
  while (isrList.length < blocksWanted) {
    const outcome = board.run({ maxCycles: Math.max(100_000, Math.round(perBlockGuess / 2)) });
    if (outcome.reason !== 'budget') throw new BenchError(`${image.name}: the firmware stopped while measuring: ${outcome.message}`, outcome);
    if (isrList.length !== lastCount) {
      lastCount = isrList.length;
      lastProgress = board.clock.cycles;
    } else if (board.clock.cycles - lastProgress > stallBudget) {
      throw new BenchError(`${image.name}: audio interrupts stopped arriving (${isrList.length} of ${blocksWanted} blocks)`, null);
    }
  }
  const after = board.timingSnapshot();
  const blocks = isrList.length;
  // Frames per block from the audio DMA stream's transfer count (half of a circular stereo buffer);
  // the interrupt rate then follows from the SAI frame rate the clock tree produces.
  const blockFrames = blockFramesGuess(board, irq);
  const blockRateHz = sampleRateHz / blockFrames;

  const perBlock = (x: number) => x / blocks;
  const byCause: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byCause)) byCause[k] = perBlock(v - (before.byCause[k] ?? 0));
  const byRegion: Record<string, RegionBreakdown> = {};
  for (const [name, a] of Object.entries(after.byRegion)) {
    const b = before.byRegion[name];
    const d = (k: keyof typeof a) => a[k] - (b ? b[k] : 0);
    const ih = d('icacheHits');
    const im = d('icacheMisses');
    const dh = d('dcacheHits');
    const dm = d('dcacheMisses');
    byRegion[name] = {
      instructions: perBlock(d('instructions')),
      cycles: perBlock(d('cycles')),
      fetchStall: perBlock(d('fetchStall')),
      dataStall: perBlock(d('dataStall')),
      icacheHitRate: ih + im > 0 ? ih / (ih + im) : null,
      dcacheHitRate: dh + dm > 0 ? dh / (dh + dm) : null,
      uncachedAccesses: perBlock(d('uncachedAccesses')),
    };
  }
  const hottest: HotFunction[] = board.profiler
    .profile()
    .filter((f) => f.calls > 0 || f.exclusive > 0)
    .sort((a, b) => b.exclusive - a.exclusive)
    .slice(0, options.top ?? 10)
    .map((f) => ({ name: f.name, inclusive: perBlock(f.inclusive), exclusive: perBlock(f.exclusive), calls: perBlock(f.calls) }));
  const isrStats = summarize(isrList);
  const callbackStats = callbackSamples.length > 0 ? summarize(callbackSamples) : isrStats;
  const budgetPerBlock = board.cpuHz / blockRateHz;
  return {
    file: image.name,
    ...(board.whatIf !== null ? { whatIf: board.whatIf.description } : {}),
    ...(board.whatIf !== null && board.whatIf.overfilled.length > 0 ? { whatIfOverfills: board.whatIf.overfilled } : {}),
    appType: board.appType.appType,
    timing: options.timing ?? 'm7',
    cpuHz: board.cpuHz,
    sampleRateHz,
    blockFrames,
    blockRateHz,
    blocks,
    bootCycles: firstAudio - bootStart,
    callback: { symbol: callbackName, how, cycles: callbackStats },
    isr: { symbol: isrFn?.name ?? `IRQ ${irq}`, irq, cycles: isrStats },
    cpuLoad: { median: isrStats.median / budgetPerBlock, max: isrStats.max / budgetPerBlock },
    byCause,
    byRegion,
    hottest,
    rules: board.rules.events,
    ...board.midiCounts(),
    ...(options.gpioInput ? { gpioNotes: board.gpioInputNotes() } : {}),
  };
}

/** The handler of `irq` as the vector table names it. */
function isrHandlerMatches(board: DaisyBoard, irq: number, address: number): boolean {
  const vtor = board.exceptions.vtor;
  const handler = board.bus.peek(vtor + 4 * (irq + EXCEPTION_IRQ_BASE), 4) & ~1;
  return handler >>> 0 === address >>> 0;
}
