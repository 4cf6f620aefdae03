/**
 * The hot paths use same-file literal copies of constants defined elsewhere (tsx and vitest compile each
 * file alone, so an imported const enum would be a property load per instruction). Each copy must equal
 * its source; the sources are the definitions in accounting.ts, regions.ts, memory-attributes.ts,
 * cache.ts, m7-tables.ts, branch-predictor.ts and core's cycle-model.ts / insn-class.ts.
 */
import { describe, expect, it } from 'vitest';
import { INSN_CLASS_COUNT, InsnClass, Outcome } from '@seedsim/core';
import { ProfilerHot } from '@seedsim/daisy';
import { Cause } from '../src/accounting.js';
import { Prediction } from '../src/branch-predictor.js';
import { LineState } from '../src/cache.js';
import { Hot } from '../src/m7-model.js';
import { BranchKind, FpReadKind, MAC_BLOCK_CYCLES } from '../src/m7-tables.js';
import { L1Attr } from '../src/memory-attributes.js';
import { Mem } from '../src/memory-system.js';
import { Region } from '../src/regions.js';

describe('literal copies of constants on the hot paths', () => {
  it('m7-model.ts Hot matches the causes, outcomes, branch kinds, predictions and tables', () => {
    expect([Hot.CauseIssue, Hot.CauseDependency, Hot.CauseBranchMispredict, Hot.CauseDivideFp, Hot.CauseFetchStall]).toEqual([
      Cause.Issue, Cause.Dependency, Cause.BranchMispredict, Cause.DivideFp, Cause.FetchStall,
    ]);
    expect([Hot.CauseDataStall, Hot.CauseWriteBufferFull, Hot.CauseException, Hot.CauseSleep]).toEqual([
      Cause.DataStall, Cause.WriteBufferFull, Cause.Exception, Cause.Sleep,
    ]);
    expect([Hot.Executed, Hot.BranchTaken]).toEqual([Outcome.Executed, Outcome.BranchTaken]);
    expect([Hot.BranchNone, Hot.BranchIndirect]).toEqual([BranchKind.None, BranchKind.Indirect]);
    expect([Hot.PredictedCorrect, Hot.PredictedStaticTaken]).toEqual([Prediction.Correct, Prediction.StaticTaken]);
    expect(Hot.ClassAlu).toBe(InsnClass.Alu);
    expect(Hot.FpAccumulator).toBe(FpReadKind.Accumulator);
    expect(Hot.MacBlockCycles).toBe(MAC_BLOCK_CYCLES);
    // LongAgo must stay a small integer far below any cycle count.
    expect(Number.isInteger(Hot.LongAgo) && Hot.LongAgo < -1e8 && Hot.LongAgo > -(2 ** 30)).toBe(true);
    expect(INSN_CLASS_COUNT).toBeLessThan(64);
  });

  it('memory-system.ts Mem matches Region, L1Attr and LineState', () => {
    expect([Mem.RegionItcm, Mem.RegionDtcm, Mem.RegionD2Sram, Mem.RegionD3Sram]).toEqual([Region.Itcm, Region.Dtcm, Region.D2Sram, Region.D3Sram]);
    expect([Mem.RegionSdram, Mem.RegionQspi, Mem.RegionPpb, Mem.RegionOther]).toEqual([Region.Sdram, Region.Qspi, Region.Ppb, Region.Other]);
    expect([Mem.AttrCacheable, Mem.AttrWriteBack, Mem.AttrWriteAllocate, Mem.AttrDevice]).toEqual([
      L1Attr.Cacheable, L1Attr.WriteBack, L1Attr.WriteAllocate, L1Attr.Device,
    ]);
    expect([Mem.LineValid, Mem.LineDirty, Mem.LineStale, Mem.LineDirtyReported]).toEqual([
      LineState.Valid, LineState.Dirty, LineState.Stale, LineState.DirtyReported,
    ]);
  });

  it("the profiler's copy of Outcome.BranchTaken matches", () => {
    expect(ProfilerHot.BranchTaken).toBe(Outcome.BranchTaken);
    expect(ProfilerHot.ClassBranch).toBe(InsnClass.Branch);
  });
});
