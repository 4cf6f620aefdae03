import { BenchError, benchImage, type BenchResult } from '@seedsim/daisy';
import type { ElfImage } from '@seedsim/elf';
import type { SdCard } from '@seedsim/soc';
import { boardOptionsForOneBoard, type CliBoardOptions } from '../board-options.js';
import { demangleNames, linkerNamesOf } from '../demangle.js';

/** What `seedsim bench` measures of every image, whichever thread runs it. */
export interface BenchSettings {
  blocks?: number;
  top: number;
  /** Unset: benchImage's default (BenchOptions.bootSeconds). */
  bootSeconds?: number;
  callback?: string;
}

/**
 * One image's bench as plain data (it crosses from a worker thread to the main one): its result, or why
 * it could not be measured (a BenchError: the firmware faulted or never started audio).
 */
export type BenchOutcome =
  | { result: BenchResult }
  | { failure: { message: string; fault: { status: string[]; callStack: string[] } | null } };

/**
 * Boots `image` on a board of its own and measures its audio callback. `card`, when given, is the SD card
 * this board gets (--sd-out keeps every board's card); else the options' --sd image.
 */
export function benchOne(
  image: ElfImage,
  board: CliBoardOptions,
  settings: BenchSettings,
  onBootProgress: (line: string) => void,
  card?: SdCard,
): BenchOutcome {
  try {
    const options = boardOptionsForOneBoard(board);
    const callback = settings.callback === undefined ? undefined : callbackLinkerName(image, settings.callback);
    const result = benchImage(image, { ...options, sdCard: card ?? options.sdCard, ...settings, callback, onBootProgress });
    return { result };
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    const fault = error.outcome?.fault;
    return { failure: { message: error.message, fault: fault ? { status: [...fault.status], callStack: [...fault.callStack] } : null } };
  }
}

/**
 * The linker name of the function --callback names: as the symbol table has it, or as bench prints it
 * (`AudioCallback(float const* const*, float**, unsigned int)`), or without the parameter list when only
 * one function has that name. Unknown names are passed on, for benchImage's own error.
 */
export function callbackLinkerName(image: ElfImage, name: string): string {
  if (image.symbols.get(name) !== undefined) return name;
  const hits = linkerNamesOf(image.symbols.sizedSymbols.filter((s) => s.kind === 'function').map((s) => s.name), name);
  if (hits.length > 1) {
    const cxx = demangleNames(hits);
    throw new BenchError(`${image.name}: --callback "${name}" names ${hits.length} functions (${hits.map((h) => cxx.get(h)).join('; ')}): give its parameter list`, null);
  }
  return hits[0] ?? name;
}
