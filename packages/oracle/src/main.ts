/**
 * npm run oracle -- --count N --seed S [--fp] [--class NAME] [--exclude NAME]... [--max-reports K] [--block-length L] [--repeats R]
 *
 * Runs N random instructions in lock-step in Unicorn and in the seedsim core and prints every mismatch;
 * the last line is always "N instructions, M mismatches". Exit 0 without mismatches, 1 with, 2 for bad
 * usage or when Unicorn or the core cannot be loaded.
 */
import { Lockstep, type Reproducer } from './lockstep.js';
import { formatMismatch } from './report.js';
import { classNames } from './generate/stream.js';
import { Unicorn, unicornLoadProblem } from './unicorn.js';
import { loadSeedsimCpu, seedsimCoreFactory } from './core-under-test.js';

interface Args {
  count: number;
  seed: number;
  fp: boolean;
  only?: string;
  exclude: string[];
  maxReports: number;
  blockLength: number;
  repeats: number;
  /** A reproducer (JSON) to re-run instead of a random stream. */
  repro?: string;
}

const USAGE = 'usage: npm run oracle -- [--count N] [--seed S] [--fp] [--class NAME] [--exclude NAME]... [--max-reports K] [--block-length L] [--repeats R] [--list-classes] [--repro JSON]';

function fail(message: string): never {
  process.stderr.write(`oracle: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseInteger(name: string, text: string | undefined, min: number): number {
  if (text === undefined || !/^\d+$/.test(text)) fail(`${name} needs a non-negative integer, got ${text === undefined ? 'nothing' : `'${text}'`}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) fail(`${name} must be at least ${min}, got ${text}`);
  return value;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { count: 10_000, seed: Math.floor(Math.random() * 0x1_0000_0000), fp: false, exclude: [], maxReports: 10, blockLength: 24, repeats: 8 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--count': args.count = parseInteger('--count', argv[++i], 1); break;
      case '--seed': args.seed = parseInteger('--seed', argv[++i], 0) >>> 0; break;
      case '--fp': args.fp = true; break;
      case '--class': {
        const name = argv[++i];
        if (!name) fail('--class needs a class name');
        args.only = name;
        break;
      }
      case '--exclude': {
        const name = argv[++i];
        if (!name) fail('--exclude needs a class name');
        args.exclude.push(name);
        break;
      }
      case '--max-reports': args.maxReports = parseInteger('--max-reports', argv[++i], 0); break;
      case '--block-length': args.blockLength = parseInteger('--block-length', argv[++i], 2); break;
      case '--repeats': args.repeats = parseInteger('--repeats', argv[++i], 1); break;
      case '--repro': {
        const json = argv[++i];
        if (!json) fail('--repro needs the reproducer JSON printed with a mismatch');
        args.repro = json;
        break;
      }
      case '--list-classes':
        process.stdout.write(`integer: ${classNames(false).join(' ')}\nfp: ${classNames(true).join(' ')}\n`);
        process.exit(0);
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        fail(`unknown argument '${a}'`);
    }
  }
  if (args.only !== undefined && !classNames(args.fp).includes(args.only)) {
    fail(`unknown class '${args.only}' for ${args.fp ? '--fp' : 'integer'} streams; known: ${classNames(args.fp).join(' ')}`);
  }
  for (const name of args.exclude) {
    if (!classNames(args.fp).includes(name)) fail(`unknown class '${name}' in --exclude; known: ${classNames(args.fp).join(' ')}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const problem = unicornLoadProblem();
  if (problem) {
    process.stderr.write(`oracle: ${problem}\n`);
    process.exit(2);
  }
  let Cpu;
  try {
    Cpu = await loadSeedsimCpu();
  } catch (error) {
    process.stderr.write(`oracle: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if (args.repro !== undefined) {
    let repro: Reproducer;
    try {
      repro = JSON.parse(args.repro) as Reproducer;
    } catch (error) {
      fail(`--repro: not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const lockstep = new Lockstep({ seed: 0, core: seedsimCoreFactory(Cpu), fp: repro.before.s !== undefined });
    let mismatch;
    try {
      mismatch = lockstep.replay(repro);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    lockstep.close();
    if (mismatch) process.stdout.write(`${formatMismatch(mismatch, 1, repro.before.s !== undefined)}\n`);
    process.stdout.write(`1 instructions, ${mismatch ? 1 : 0} mismatches\n`);
    process.exit(mismatch ? 1 : 0);
  }
  process.stdout.write(`seed ${args.seed}\n`);
  process.stderr.write(`oracle: Unicorn ${Unicorn.version()}, ${args.count} instructions, ${args.fp ? 'FP' : 'integer'} streams${args.only ? `, class ${args.only}` : ''}\n`);
  const lockstep = new Lockstep({ seed: args.seed, core: seedsimCoreFactory(Cpu), fp: args.fp, only: args.only, exclude: args.exclude, maxReports: args.maxReports, blockLength: args.blockLength, repeats: args.repeats });
  const started = performance.now();
  const result = lockstep.run(args.count, (done, mismatches) => {
    const rate = done / ((performance.now() - started) / 1000);
    process.stderr.write(`oracle: ${done} instructions, ${mismatches} mismatches (${Math.round(rate)} instr/s)\n`);
  });
  lockstep.close();
  result.mismatches.forEach((m, i) => process.stdout.write(`${formatMismatch(m, i + 1, args.fp)}\n`));
  if (result.mismatchCount > result.mismatches.length) {
    process.stdout.write(`(${result.mismatchCount - result.mismatches.length} more mismatches not shown; --max-reports raises the limit)\n`);
  }
  for (const [name, n] of result.knownDivergences) {
    process.stdout.write(`filtered: ${n} x known Unicorn divergence: ${name} (see packages/oracle/KNOWN-MISMATCHES.md)\n`);
  }
  if (result.bothFaulted > 0) {
    process.stdout.write(`note: ${result.bothFaulted} steps where both engines faulted or left the stream together (a generator escape, not a core mismatch; the stream was abandoned there), e.g.\n`);
    for (const sample of result.faultSamples) process.stdout.write(`  ${sample}\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`oracle: ${seconds.toFixed(1)} s, ${Math.round(result.instructions / seconds)} instructions/s, ${result.blocks} blocks\n`);
  process.stdout.write(`${result.instructions} instructions, ${result.mismatchCount} mismatches\n`);
  process.exit(result.mismatchCount === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`oracle: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
