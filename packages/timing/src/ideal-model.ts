/**
 * The ideal model (`--timing ideal`): one cycle per instruction, memory free, exceptions free. It shows
 * what the M7 model's pipeline and memory effects are worth, and is the fastest to run.
 */
import type { CycleModel, TimingInfo } from '@seedsim/core';
import { Cause, CycleAccounts, type CycleSnapshot } from './accounting.js';
import { regionOfAddress } from './regions.js';

export class IdealModel implements CycleModel {
  readonly accounts = new CycleAccounts();

  dataAccess(_addr: number, _bytes: number, _isWrite: boolean): void {}

  retire(pc: number, _info: TimingInfo, _outcome: number): number {
    const a = this.accounts;
    const region = regionOfAddress(pc);
    a.byCause[Cause.Issue] += 1;
    a.cyclesByRegion[region] += 1;
    a.instructionsByRegion[region] += 1;
    a.instructions++;
    return 1;
  }

  exception(_kind: 'entry' | 'return' | 'tail-chain', _fpFrame: boolean): number {
    return 0;
  }

  idle(cycles: number): void {
    if (cycles > 0) this.accounts.byCause[Cause.Sleep] += cycles;
  }

  snapshot(): CycleSnapshot {
    return this.accounts.snapshot();
  }

  resetCounters(): void {
    this.accounts.reset();
  }
}
