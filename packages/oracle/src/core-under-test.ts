/**
 * The implementation the oracle checks: by default the seedsim core (Cpu on a RecordingBus over the
 * oracle's memory), or any object of the same shape (tests plant faulty wrappers, or use a second
 * Unicorn as a stand-in core).
 */
import { CpuState, type Bus, type InsnClass } from '@seedsim/core';
import { RecordingBus } from './recording-bus.js';

export interface MemoryRange {
  readonly base: number;
  readonly bytes: Uint8Array;
}

export interface CoreUnderTest {
  readonly state: CpuState;
  /** The core's memory, one array per requested range, which the oracle fills and compares. */
  readonly memory: MemoryRange[];
  /** Executes one instruction. Throws when the instruction faults (no exception model here). */
  step(): void;
  /** The code bytes changed (a new block was loaded): forget decoded instructions. */
  codeChanged(): void;
  /** The timing class and mnemonic the core's decoder assigns at `pc`, when it can tell. */
  classify?(pc: number): { cls: InsnClass; mnemonic: string };
  /** The data accesses of the last step, when the core records them. */
  readonly bus?: RecordingBus;
}

/** Builds a core with RAM at each of `layout`'s ranges. */
export type CoreFactory = (layout: { base: number; size: number }[]) => CoreUnderTest;

/** The shape of the seedsim core's Cpu that the oracle uses (packages/core/src/cpu.ts). */
interface SeedsimCpu {
  readonly state: CpuState;
  step(): void;
  invalidateAllCode(): void;
  decodedAt(pc: number): { cls: InsnClass; mnemonic: string };
}
type SeedsimCpuClass = new (options: { bus: Bus; state?: CpuState }) => SeedsimCpu;

/** The core's Cpu class, as @seedsim/core exports it. */
export async function loadSeedsimCpu(): Promise<SeedsimCpuClass> {
  const pkg = (await import('@seedsim/core')) as Record<string, unknown>;
  if (typeof pkg.Cpu !== 'function') throw new Error('@seedsim/core exports no Cpu class');
  return pkg.Cpu as SeedsimCpuClass;
}

/** A factory that builds the seedsim core over the oracle's memory ranges. */
export function seedsimCoreFactory(Cpu: SeedsimCpuClass): CoreFactory {
  return (layout) => {
    const bus = new RecordingBus();
    const memory = layout.map(({ base, size }) => ({ base, bytes: new Uint8Array(size) }));
    for (const range of memory) bus.addRange(range.base, range.bytes);
    const cpu = new Cpu({ bus });
    return {
      state: cpu.state,
      memory,
      bus,
      step: () => cpu.step(),
      codeChanged: () => cpu.invalidateAllCode(),
      classify: (pc) => cpu.decodedAt(pc),
    };
  };
}
