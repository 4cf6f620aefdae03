import { midiLostWarning } from '../midi-input.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BenchError, benchImage, formatBench, formatComparison, formatRuleEvent, type BenchResult } from '@seedsim/daisy';
import type { ElfImage } from '@seedsim/elf';
import { readElf } from '../files.js';
import { parseCommandArgs, parseIntegerOption } from '../options.js';
import { BOARD_OPTION_HELP, BOARD_OPTION_SPEC, boardOptions, type CliBoardOptions } from '../board-options.js';
import { CliError, EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { savingCard, sdCardOutput, type SdCardOutput } from '../sd-card-output.js';

export const BENCH_HELP = `Usage: seedsim bench [options] app.elf [more.elf …]

Boots each image, lets the firmware's own SAI/DMA interrupt drive the audio callback, and reports
cycles per callback (min, median, p99, max), CPU load at the block rate, cycles by cause and by region,
cache hit rates, and the hottest functions; for several images, a side-by-side table with the ratio of
each median to the first.

Options:
  --blocks N         audio blocks to measure (default: one second of audio)
  --callback SYMBOL  the function to time (default: found through the DMA interrupt)
  --boot-seconds S   give up when no audio interrupt has run after S simulated seconds (default 10);
                     a boot slower than 1 s prints what the firmware is doing, once per second
${BOARD_OPTION_HELP}
  --top N            hottest functions to list (default 10)
  --json             write the results as JSON
  --baseline FILE    compare with a previous --json output: exit 1 when an image's median callback
                     cycles grew by more than --tolerance percent
  --tolerance PCT    allowed growth over the baseline (default 5)
  --save FILE        also write the JSON results to FILE (to use later as a baseline)
  -h, --help         this help
`;

interface BaselineFile {
  results: { file: string; callback: { cycles: { median: number } } }[];
}

function readBaseline(path: string): Map<string, number> {
  let parsed: BaselineFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as BaselineFile;
  } catch (error) {
    throw new CliError(`--baseline ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not a seedsim bench JSON file (${(error as Error).message})`}`);
  }
  if (!parsed || !Array.isArray(parsed.results)) throw new CliError(`--baseline ${path}: no "results" list: write it with 'seedsim bench --json' or --save`);
  const medians = new Map<string, number>();
  for (const r of parsed.results) {
    if (typeof r?.file === 'string' && typeof r.callback?.cycles?.median === 'number') medians.set(basename(r.file), r.callback.cycles.median);
  }
  return medians;
}

export async function runBench(args: string[], out: (t: string) => void, err: (t: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('bench', args, {
    ...BOARD_OPTION_SPEC,
    blocks: { type: 'string' },
    callback: { type: 'string' },
    'boot-seconds': { type: 'string' },
    top: { type: 'string' },
    json: { type: 'boolean' },
    baseline: { type: 'string' },
    tolerance: { type: 'string' },
    save: { type: 'string' },
  });
  if (values.help) {
    out(BENCH_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new CliError(`seedsim bench: expected at least one ELF file\nTry 'seedsim bench --help'.`);
  const blocks = values.blocks === undefined ? undefined : parseIntegerOption('blocks', values.blocks as string, 1000, 1);
  const top = parseIntegerOption('top', values.top as string | undefined, 10, 1);
  const bootSeconds = values['boot-seconds'] === undefined ? 10 : Number(values['boot-seconds']);
  if (!(bootSeconds > 0 && bootSeconds <= 3600)) throw new CliError(`--boot-seconds: expected simulated seconds in (0, 3600], got "${values['boot-seconds']}"`);
  const tolerance = values.tolerance === undefined ? 5 : Number(values.tolerance);
  if (!(tolerance >= 0)) throw new CliError(`--tolerance: expected a percentage ≥ 0, got "${values.tolerance}"`);
  const baseline = values.baseline ? readBaseline(values.baseline as string) : null;
  const board = boardOptions(values);
  const sdOut = sdCardOutput(values, board.sdCard);
  const images = positionals.map((p) => readElf(p));

  // Each image boots with the card freshly powered; the writes of one are there for the next, and
  // --sd-out saves them all however the bench ends.
  return savingCard(sdOut, err, () => benchImages(images, { board, sdOut, blocks, top, bootSeconds, baseline, tolerance }, values, out, err));
}

interface BenchSettings {
  board: CliBoardOptions;
  sdOut?: SdCardOutput;
  blocks?: number;
  top: number;
  bootSeconds: number;
  baseline: Map<string, number> | null;
  tolerance: number;
}

function benchImages(
  images: ElfImage[],
  settings: BenchSettings,
  values: Record<string, unknown>,
  out: (t: string) => void,
  err: (t: string) => void,
): number {
  const { board, sdOut, blocks, top, bootSeconds, baseline, tolerance } = settings;
  const results: BenchResult[] = [];
  let failed = false;
  for (const image of images) {
    try {
      const result = benchImage(image, {
        ...board,
        sdCard: sdOut?.newCard() ?? board.sdCard,
        blocks,
        top,
        callback: values.callback as string | undefined,
        bootSeconds,
        onBootProgress: (line) => err(`${image.name}: ${line}\n`),
      });
      results.push(result);
      if (result.midi && result.midi.lost > 0) err(`${image.name}: ${midiLostWarning(result.midi.lost)}\n`);
      if (!values.json) out(formatBench(result, top) + '\n');
    } catch (error) {
      if (!(error instanceof BenchError)) throw error;
      failed = true;
      err(`seedsim bench: ${error.message}\n`);
      if (error.outcome?.fault) {
        const f = error.outcome.fault;
        err(`  ${f.status.join('\n  ')}\n  call stack: ${f.callStack.join(' ← ')}\n`);
      }
    }
  }
  const json = JSON.stringify({ seedsim: 'bench', version: 1, results }, null, 2) + '\n';
  if (values.json) out(json);
  else out(formatComparison(results));
  if (values.save) writeFileSync(values.save as string, json);

  if (baseline) {
    for (const r of results) {
      const base = baseline.get(basename(r.file));
      if (base === undefined) {
        err(`baseline: no entry for ${basename(r.file)}; not gated\n`);
        continue;
      }
      const growth = ((r.callback.cycles.median - base) / base) * 100;
      const line = `baseline: ${basename(r.file)} median ${Math.round(r.callback.cycles.median)} cycles vs ${Math.round(base)} (${growth >= 0 ? '+' : ''}${growth.toFixed(2)}%, tolerance ${tolerance}%)`;
      if (growth > tolerance) {
        failed = true;
        err(`${line}: REGRESSION\n`);
      } else {
        err(`${line}: ok\n`);
      }
    }
  }
  for (const r of results) for (const e of r.rules) if (!values.json) err(formatRuleEvent(e) + '\n');
  return failed ? EXIT_FAILED : EXIT_OK;
}
