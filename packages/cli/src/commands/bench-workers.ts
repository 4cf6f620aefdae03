/**
 * `seedsim bench` over several images in worker threads, one board per thread, as many threads as the
 * machine has cores (--jobs). Each image is benchmarked exactly as in the main thread (benchOne) and
 * the simulation is deterministic, so the results are the same; only the wall time changes.
 *
 * A worker is the CLI's own bundle (dist/seedsim.cjs) started again in a thread: bundle-entry.ts calls
 * serveBenchWorker(), which does nothing unless the thread was started by benchInWorkers. Without the
 * bundle (the command running from its TypeScript sources) there is no worker script to start, and
 * bench measures the images one after another.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readElf } from '../files.js';
import { boardOptions } from '../board-options.js';
import type { WhatIf } from '@seedsim/daisy';
import { benchOne, type BenchOutcome, type BenchSettings } from './bench-one.js';

/** What the main thread starts a worker with: the command's parsed options. */
interface BenchWorkerData {
  seedsimBench: 1;
  values: Record<string, unknown>;
  settings: BenchSettings;
}

/** What the main thread sends a worker: the next image to benchmark (and its what-if moves), or null when there is none. */
type BenchJob = { index: number; path: string; whatIf?: WhatIf[] } | null;

/** One image to benchmark in a worker. */
export interface WorkerRun {
  path: string;
  whatIf?: WhatIf[];
}

/** What a worker tells the main thread: boot progress lines, then the job's outcome or the error that stopped it. */
type WorkerMessage = { index: number; progress: string } | { index: number; outcome: BenchOutcome } | { index: number; error: string };

/** The file of the CLI's bundle when this code runs from it, else null (the TypeScript sources). */
export function bundleFile(): string | null {
  // In the CommonJS bundle `__filename` is the bundle itself; as ES modules it is not defined.
  return typeof __filename === 'string' && __filename.endsWith('seedsim.cjs') ? __filename : null;
}

/**
 * Benchmarks `runs` in up to `jobs` worker threads started from `bundle`. A worker takes the next image
 * when it has finished one, so its compiled code serves every image it gets (a fresh thread compiles the
 * emulator anew, about the time of a second image). Returns the outcomes in the order of `runs`;
 * `onOutcome` hears each as soon as it and every earlier one are known, so output appears in the command
 * line's order while later images still run. Progress lines pass on at once.
 */
export async function benchInWorkers(
  bundle: string,
  jobs: number,
  runs: readonly WorkerRun[],
  values: Record<string, unknown>,
  settings: BenchSettings,
  onProgress: (index: number, line: string) => void,
  onOutcome: (index: number, outcome: BenchOutcome) => void,
): Promise<BenchOutcome[]> {
  const outcomes: (BenchOutcome | undefined)[] = new Array(runs.length).fill(undefined);
  let reported = 0;
  let next = 0;
  const report = (): void => {
    while (reported < runs.length && outcomes[reported] !== undefined) {
      onOutcome(reported, outcomes[reported] as BenchOutcome);
      reported++;
    }
  };
  const nextJob = (): BenchJob => {
    if (next >= runs.length) return null;
    const index = next++;
    return { index, path: runs[index].path, whatIf: runs[index].whatIf };
  };
  const lane = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const data: BenchWorkerData = { seedsimBench: 1, values, settings };
      const worker = new Worker(bundle, { workerData: data });
      let current = nextJob();
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        reject(error);
      };
      worker.on('message', (message: WorkerMessage) => {
        if ('progress' in message) onProgress(message.index, message.progress);
        else if ('error' in message) fail(new Error(`seedsim bench: ${runs[message.index].path}: ${message.error}`));
        else {
          outcomes[message.index] = message.outcome;
          report();
          current = nextJob();
          worker.postMessage(current satisfies BenchJob);
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (current === null && !settled) {
          settled = true;
          resolve();
        } else fail(new Error(`seedsim bench: the worker for ${current === null ? 'the images' : current.path} stopped (exit ${code}) without a result`));
      });
      worker.postMessage(current satisfies BenchJob);
    });
  await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, lane));
  return outcomes as BenchOutcome[];
}

/** In a thread started by benchInWorkers: benchmark each image it is sent. Elsewhere: nothing. */
export function serveBenchWorker(): void {
  if (isMainThread || parentPort === null) return;
  const data = workerData as BenchWorkerData | undefined;
  if (data?.seedsimBench !== 1) return;
  const port = parentPort;
  port.on('message', (job: BenchJob) => {
    if (job === null) {
      port.close();
      return;
    }
    const { index } = job;
    try {
      const progress = (line: string): void => port.postMessage({ index, progress: line } satisfies WorkerMessage);
      const outcome = benchOne(readElf(job.path), { ...boardOptions(data.values), whatIf: job.whatIf }, data.settings, progress);
      port.postMessage({ index, outcome } satisfies WorkerMessage);
    } catch (error) {
      const e = error as Error;
      port.postMessage({ index, error: e.stack ?? e.message } satisfies WorkerMessage);
    }
  });
}
