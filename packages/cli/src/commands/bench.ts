import { inputWarnings } from '../midi-input.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import {
  APP_TYPES,
  WhatIfError,
  WHAT_IF_REGIONS,
  detectAppType,
  formatBench,
  formatComparison,
  formatRuleEvent,
  parseWhatIf,
  resolveWhatIf,
  type BenchResult,
  type WhatIf,
} from '@seedsim/daisy';
import type { ElfImage } from '@seedsim/elf';
import { demangleNames, linkerNamesOf } from '../demangle.js';
import { readElf } from '../files.js';
import { parseCommandArgs, parseIntegerOption } from '../options.js';
import { BOARD_OPTION_HELP, BOARD_OPTION_SPEC, boardOptions, checkBoardOptionsFor } from '../board-options.js';
import { CliError, EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { savingCard, sdCardOutput } from '../sd-card-output.js';
import { benchOne, type BenchOutcome, type BenchSettings } from './bench-one.js';
import { benchInWorkers, bundleFile } from './bench-workers.js';

export const BENCH_HELP = `Usage: seedsim bench [options] app.elf [more.elf …]

Boots each image, lets the firmware's own SAI/DMA interrupt drive the audio callback, and reports
cycles per callback (min, median, p99, max), CPU load at the block rate, cycles by cause and by region,
cache hit rates, and the hottest functions; for several images, a side-by-side table with the ratio of
each median to the first.

Options:
  --blocks N         audio blocks to measure (default: one second of audio)
  --callback SYMBOL  the function to time (default: found through the DMA interrupt)
  --boot-seconds S   give up when no audio interrupt has run after S simulated seconds (default 10, or
                     2 when the image links the HAL's SAI driver but nothing that starts a transfer);
                     a boot slower than 1 s prints what the firmware is doing, once per second
${BOARD_OPTION_HELP}
  --top N            hottest functions to list (default 10)
  --json             write the results as JSON
  --baseline FILE    compare with a previous --json output: exit 1 when an image's median callback
                     cycles grew by more than --tolerance percent
  --tolerance PCT    allowed growth over the baseline (default 5)
  --save FILE        also write the JSON results to FILE (to use later as a baseline)
  --what-if SYMBOL=REGION[,SYMBOL=REGION…]
                     also price each image as if the linker had put these functions or objects
                     (linker or C++ names: daisysp::Chorus::Process) in another region, without
                     rebuilding: the image runs as built, its accesses to them cost what the region
                     costs; both figures are shown side by side. Repeatable. Regions:
                     ${WHAT_IF_REGIONS}.
                     The symbols keep their addresses (cache sets, SDRAM rows), and a warning says
                     when a move would not fit the region's free space
  --jobs N           images benchmarked at once, each in a thread of its own (default: one per CPU
                     core, at most one per bench and 8 in all); the results are the same as one at a
                     time. Images that share an SD card (--sd) run one at a time: each sees what the
                     one before wrote
  -h, --help         this help

Exit status: 0 every image was measured (a rule that fires is listed under "rules fired" but does not
fail a bench: \`seedsim run\` is the check for rules); 1 an image stopped before its audio callback could
be measured (a fault, no audio within --boot-seconds) or --baseline found a median grown beyond
--tolerance; 2 bad usage or an unreadable image.
`;

/** At most this many threads unless --jobs asks for more: each holds a board (about 70 MB) and its own compiled code. */
const MAX_DEFAULT_JOBS = 8;

interface BaselineFile {
  results: { file: string; whatIf?: string; callback: { cycles: { median: number } } }[];
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
    // What-if rows (bench --what-if) are hypothetical: only images as built are baselines.
    if (r?.whatIf !== undefined) continue;
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
    jobs: { type: 'string' },
    'what-if': { type: 'string', multiple: true },
  });
  if (values.help) {
    out(BENCH_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new CliError(`seedsim bench: expected at least one ELF file\nTry 'seedsim bench --help'.`);
  const blocks = values.blocks === undefined ? undefined : parseIntegerOption('blocks', values.blocks as string, 1000, 1);
  const top = parseIntegerOption('top', values.top as string | undefined, 10, 1);
  const bootSeconds = values['boot-seconds'] === undefined ? undefined : Number(values['boot-seconds']);
  if (bootSeconds !== undefined && !(bootSeconds > 0 && bootSeconds <= 3600)) throw new CliError(`--boot-seconds: expected simulated seconds in (0, 3600], got "${values['boot-seconds']}"`);
  const tolerance = values.tolerance === undefined ? 5 : Number(values.tolerance);
  if (!(tolerance >= 0)) throw new CliError(`--tolerance: expected a percentage ≥ 0, got "${values.tolerance}"`);
  const moves = whatIfMoves(values['what-if'] as string[] | undefined);
  const benches = positionals.length * (moves ? 2 : 1);
  const jobs = parseIntegerOption('jobs', values.jobs as string | undefined, Math.min(benches, availableParallelism(), MAX_DEFAULT_JOBS), 1);
  const baseline = values.baseline ? readBaseline(values.baseline as string) : null;
  const board = boardOptions(values);
  const sdOut = sdCardOutput(values, board.sdCard);
  // Every image is read and checked before any runs: a bad file is a usage error, not a late failure.
  const images = positionals.map((p) => readElf(p));
  for (const image of images) checkBoardOptionsFor(image, board);
  const settings: BenchSettings = { blocks, top, bootSeconds, callback: values.callback as string | undefined };
  const report = new BenchReport(values, top, out, err);
  // Each image as built and, with --what-if, priced with the moves: side by side.
  const runs: BenchRun[] = images.flatMap((image, i) => {
    const asBuilt = { image, path: positionals[i] };
    return moves ? [asBuilt, { ...asBuilt, whatIf: checkWhatIf(image, board.boot, moves, err) }] : [asBuilt];
  });

  // Worker threads need the CLI's bundle to start, and images that share an SD card (--sd: each boots
  // with the card as the one before left it) run one after another.
  const bundle = bundleFile();
  if (jobs > 1 && runs.length > 1 && bundle !== null && board.sdCard === undefined) {
    const jobsList = runs.map((r) => ({ path: r.path, whatIf: r.whatIf }));
    await benchInWorkers(bundle, jobs, jobsList, values, settings, (i, line) => err(`${runs[i].image.name}: ${line}\n`), (i, outcome) => report.add(runs[i].image, outcome));
    return report.finish(baseline, tolerance);
  }
  // Each image boots with the card freshly powered; the writes of one are there for the next, and
  // --sd-out saves them all however the bench ends.
  return savingCard(sdOut, err, () => {
    for (const { image, whatIf } of runs) {
      report.add(image, benchOne(image, { ...board, whatIf }, settings, (line) => err(`${image.name}: ${line}\n`), sdOut?.newCard()));
    }
    return report.finish(baseline, tolerance);
  });
}

/** One bench of one image: as built, or with what-if placements. */
interface BenchRun {
  image: ElfImage;
  path: string;
  whatIf?: WhatIf[];
}

/** The --what-if moves, all options together; undefined without. */
function whatIfMoves(specs: string[] | undefined): WhatIf[] | undefined {
  if (specs === undefined || specs.length === 0) return undefined;
  try {
    return specs.flatMap((spec) => parseWhatIf(spec));
  } catch (error) {
    if (error instanceof WhatIfError) throw new CliError(`--what-if: ${error.message}`);
    throw error;
  }
}

/**
 * The moves for one image, checked before anything runs: C++ names become the linker's, unknown names are
 * usage errors, and moves that would not fit are warned about.
 */
function checkWhatIf(image: ElfImage, boot: keyof typeof APP_TYPES | undefined, moves: WhatIf[], err: (t: string) => void): WhatIf[] {
  const linked = linkerNames(image, moves);
  try {
    const resolved = resolveWhatIf(image, boot ? APP_TYPES[boot] : detectAppType(image), linked);
    for (const warning of resolved.warnings) err(`${image.name}: ${warning}\n`);
  } catch (error) {
    if (error instanceof WhatIfError) throw new CliError(`--what-if: ${error.message}`);
    throw error;
  }
  return linked;
}

/**
 * Lets a move name a C++ function as people write it: `daisysp::Chorus::Process(float)`, or without the
 * parameter list when only one function has that name. Names the symbol table has are kept as they are.
 */
function linkerNames(image: ElfImage, moves: WhatIf[]): WhatIf[] {
  if (moves.every((m) => image.symbols.get(m.symbol) !== undefined)) return moves;
  const names = image.symbols.sizedSymbols.map((s) => s.name);
  return moves.map((move) => {
    if (image.symbols.get(move.symbol) !== undefined) return move;
    const hits = linkerNamesOf(names, move.symbol);
    if (hits.length > 1) {
      const cxx = demangleNames(hits);
      throw new CliError(`--what-if: "${move.symbol}" names ${hits.length} functions (${hits.map((h) => cxx.get(h)).join('; ')}): give its parameter list`);
    }
    return hits.length === 1 ? { ...move, symbol: hits[0] } : move;
  });
}

/** Prints each image's outcome as it comes, then the side-by-side table, the JSON and the baseline gate. */
class BenchReport {
  private readonly results: BenchResult[] = [];
  private failed = false;

  constructor(
    private readonly values: Record<string, unknown>,
    private readonly top: number,
    private readonly out: (t: string) => void,
    private readonly err: (t: string) => void,
  ) {}

  add(image: ElfImage, outcome: BenchOutcome): void {
    const { out, err, values } = this;
    if ('failure' in outcome) {
      this.failed = true;
      err(`seedsim bench: ${outcome.failure.message}\n`);
      const f = outcome.failure.fault;
      if (f) err(`  ${f.status.join('\n  ')}\n  call stack: ${f.callStack.join(' ← ')}\n`);
      return;
    }
    const result = outcome.result;
    this.results.push(result);
    for (const line of inputWarnings(result, image.symbols.all.map((s) => s.name))) err(`${image.name}: ${line}\n`);
    if (!values.json) out(formatBench(result, this.top) + '\n');
  }

  /** The table, JSON and gate; returns the exit status. */
  finish(baseline: Map<string, number> | null, tolerance: number): number {
    const { out, err, values, results } = this;
    const json = JSON.stringify({ seedsim: 'bench', version: 1, results }, null, 2) + '\n';
    if (values.json) out(json);
    else out(formatComparison(results));
    if (values.save) writeFileSync(values.save as string, json);

    if (baseline) {
      // What-if rows are hypothetical: only the images as built are gated.
      for (const r of results.filter((x) => x.whatIf === undefined)) {
        const base = baseline.get(basename(r.file));
        if (base === undefined) {
          err(`baseline: no entry for ${basename(r.file)}; not gated\n`);
          continue;
        }
        const growth = ((r.callback.cycles.median - base) / base) * 100;
        const line = `baseline: ${basename(r.file)} median ${Math.round(r.callback.cycles.median)} cycles vs ${Math.round(base)} (${growth >= 0 ? '+' : ''}${growth.toFixed(2)}%, tolerance ${tolerance}%)`;
        if (growth > tolerance) {
          this.failed = true;
          err(`${line}: REGRESSION\n`);
        } else {
          err(`${line}: ok\n`);
        }
      }
    }
    for (const r of results) for (const e of r.rules) if (!values.json) err(formatRuleEvent(e) + '\n');
    return this.failed ? EXIT_FAILED : EXIT_OK;
  }
}
