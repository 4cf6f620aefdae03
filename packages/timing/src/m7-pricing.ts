/**
 * The pricing of one instruction record by the Cortex-M7 model, written out as a JavaScript function for
 * that record's TimingRow.
 *
 * M7Model.retire() used to read a row's facts (masks, flags, latencies) at every retire and loop over the
 * register masks; that interpretation cost about as much as the pricing itself (docs/measurements.md,
 * "Where the m7 model's time goes"). Here the steps of the pricing (the order documented at the top of
 * m7-model.ts) are generated once per distinct row with the row's facts as literals: a step the row
 * does not need is left out, a register mask becomes one load or store per register. Rows that
 * generate the same text share one function (a cache keyed by the text), so a loop body of a few hundred
 * records compiles a few hundred small functions at most.
 *
 * The functions read and write the model's state by field name: `PRICING_FIELDS` lists every field they
 * touch, and test/m7-pricing.test.ts checks a model has each one.
 */
import { INSN_CLASS_COUNT, type TimingInfo } from '@seedsim/core';
import { CORE_LATENCY } from './m7-tables.js';
import { Hot, RecFlag, type M7Model, type TimingRow } from './m7-model.js';
import { FETCH_MEMO_MASK, Mem } from './memory-system.js';

/** A row's pricing: what M7Model.retire() does for an instruction of that row. Returns the cycles. */
export type PriceFn = (m: M7Model, pc: number, info: TimingInfo, outcome: number) => number;

/** Every M7Model field the generated functions use (checked by a test). */
export const PRICING_FIELDS = [
  'accounts', 't', 'memory', 'pendingKind', 'accCount', 'accAddress', 'slotOpen', 'pairOk',
  'lastPairRow', 'regReady', 'regTime', 'regCls', 'coreLatency', 'fpReadyAt', 'fpBusyUntil', 'macAt',
  'lockUntil', 'flagsTime', 'lastLoadBank', 'codeRegion',
  'idle', 'resolveBranch', 'dynamicPairOk', 'accessMemory', 'extraCycles', 'noteBranch', 'flushCodeRegion',
] as const;

const compiled = new Map<string, PriceFn>();

/** The pricing function of `row` (shared with every row of the same text). */
export function pricingFunction(row: TimingRow): PriceFn {
  const source = pricingSource(row);
  let fn = compiled.get(source);
  if (fn === undefined) {
    fn = new Function('m', 'pc', 'info', 'outcome', source) as PriceFn;
    compiled.set(source, fn);
  }
  return fn;
}

/** Distinct pricing functions compiled so far (for tests and benchmarks). */
export function pricingFunctionCount(): number {
  return compiled.size;
}

/** Register numbers of the set bits of `mask`, lowest first. */
function bits(mask: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < 32; r++) if ((mask >>> r) & 1) out.push(r);
  return out;
}

/** The body of the pricing function of `row`, parameters (m, pc, info, outcome). */
export function pricingSource(row: TimingRow): string {
  const f = row.flags;
  const has = (flag: number): boolean => (f & flag) !== 0;
  const L: string[] = [];
  const emit = (line: string): void => {
    L.push(line);
  };

  // Cycles the clock moved without the model are not looked for here: the exception model reports its
  // skips (M7Model.clockSkipped), and retire() looks before it calls this function.
  emit('const a = m.accounts, byCause = a.byCause, mem = m.memory;');
  emit('const t0 = m.t;');

  // 1. The branch before this instruction: was this the address it predicted?
  emit(`let redirect = ${Hot.LongAgo};`);
  emit(`if (m.pendingKind !== ${Hot.BranchNone}) redirect = m.resolveBranch(pc);`);

  // 2. Could it dual-issue with the previous instruction?
  emit('const nAccesses = m.accCount;');
  emit('const firstAddress = nAccesses > 0 ? m.accAddress[0] : -1;');
  emit(`let pairable = m.slotOpen === 1 && m.pairOk[m.lastPairRow + ${row.cls}] === 1;`);
  if (has(RecFlag.PairCheck)) emit(`if (pairable) pairable = m.dynamicPairOk(${f}, firstAddress, t0, info);`);

  // 3. Constraints other than the pair slot. Fetch: only a new 64-bit granule (or a fill in flight)
  // needs the memory system; a granule of the line the last lookup hit is a counted hit without a call.
  emit('let fetchReady = t0;');
  emit(`const granule = ((pc + ${row.size - 1}) >>> 3) | 0;`);
  emit('if (granule !== mem.lastFetchGranule || t0 < mem.fillEnd) {');
  emit('  const line = ((granule << 3) >>> 0) >>> mem.lineShift;');
  emit(`  const i = line & ${FETCH_MEMO_MASK};`);
  emit('  if (t0 >= mem.fillEnd && mem.fetchMemoLine[i] === line && pc >>> mem.lineShift === line) {');
  emit('    mem.lastFetchGranule = granule;');
  emit('    const region = mem.fetchMemoRegion[i];');
  emit('    mem.lastFetchRegion = region;');
  emit(`    if (region !== ${Mem.RegionItcm}) a.icacheHits[region]++;`);
  emit(`  } else fetchReady = t0 + mem.fetch(pc, ${row.size}, t0);`);
  emit('}');

  // Operands. Ordinary ones: completion + latency to the late ALU, precomputed when written.
  emit(`let depReady = ${Hot.LongAgo};`);
  const readyAfter = (expr: string): void => emit(`{ const x = ${expr}; if (x > depReady) depReady = x; }`);
  if (row.readNormal !== 0) {
    emit('const rr = m.regReady;');
    for (const r of bits(row.readNormal)) readyAfter(`rr[${r}]`);
  }
  // Registers read in another stage: completion + the latency from the producer's class to that stage
  // (CORE_LATENCY[stage * classes + producer class]).
  const staged: [number, number][] = [
    [row.readA, row.kindA],
    [row.readB, row.kindB],
    [row.readC, row.kindC],
  ];
  if (staged.some(([mask]) => mask !== 0)) {
    emit('const rt = m.regTime, rc = m.regCls, cl = m.coreLatency;');
    for (const [mask, kind] of staged) for (const r of bits(mask)) readyAfter(`rt[${r}] + cl[${kind * INSN_CLASS_COUNT} + rc[${r}]]`);
  }
  // S registers: per register and read kind (m7-model.ts fpReadyAt), the VFMA/VMLA accumulator apart.
  if ((row.fpReadAcc | row.fpRead | row.fpWrite) !== 0) emit('const fp = m.fpReadyAt;');
  for (const s of bits(row.fpReadAcc)) readyAfter(`fp[${(s << 2) + Hot.FpAccumulator}]`);
  for (const s of bits(row.fpRead)) readyAfter(`fp[${(s << 2) + row.fpKind}]`);

  // The FP unit, the MAC shadow and the pipeline lock of VDIV/VSQRT.
  emit(`let unitReady = ${Hot.LongAgo};`);
  if (has(RecFlag.FpArith)) emit('if (m.fpBusyUntil > unitReady) unitReady = m.fpBusyUntil;');
  if (has(RecFlag.MacBlocked)) emit(`{ const x = m.macAt + ${1 + Hot.MacBlockCycles}; if (x > unitReady) unitReady = x; }`);
  emit('if (pairable && (fetchReady > t0 || depReady > t0 || unitReady > t0 || redirect > t0)) pairable = false;');
  // VDIV/VSQRT lock everything but the one instruction paired with them (JNK).
  emit('if (!pairable && m.lockUntil > unitReady) unitReady = m.lockUntil;');

  // Issue: each wait is charged to its cause as it is added; the issue cycle itself is what no cause
  // takes (M7Model.syncIssueCause).
  emit('let issue = pairable ? t0 : t0 + 1;');
  emit(`if (redirect > issue) { byCause[${Hot.CauseBranchMispredict}] += redirect - issue; issue = redirect; }`);
  emit('if (fetchReady > issue) {');
  emit('  const stall = fetchReady - issue;');
  emit(`  byCause[${Hot.CauseFetchStall}] += stall;`);
  emit('  a.fetchStallByRegion[mem.lastFetchRegion] += stall;');
  emit('  issue = fetchReady;');
  emit('}');
  emit(`if (unitReady > issue) { byCause[${Hot.CauseDivideFp}] += unitReady - issue; issue = unitReady; }`);
  emit(`if (depReady > issue) { byCause[${Hot.CauseDependency}] += depReady - issue; issue = depReady; }`);

  // 4. Memory accesses, in program order from the issue cycle; 5. extra beats of multi-cycle instructions.
  emit('let end = nAccesses === 0 ? issue : m.accessMemory(issue, nAccesses);');
  if (has(RecFlag.ExtraBeats)) emit(`end += m.extraCycles(${f}, ${row.cls}, info, firstAddress);`);

  // 6. Results (only when the instruction executed) and unit state.
  const writes = bits(row.write);
  const baseWrites = bits(row.baseWrite);
  const fpWrites = bits(row.fpWrite);
  if (writes.length + baseWrites.length + fpWrites.length > 0 || has(RecFlag.SetsFlags)) {
    emit(`if ((outcome & ${Hot.Executed}) !== 0) {`);
    if (writes.length + baseWrites.length > 0) emit('  const wt = m.regTime, wc = m.regCls, wr = m.regReady;');
    if (writes.length > 0) {
      emit(`  const ready = end + ${CORE_LATENCY[row.cls]};`);
      for (const r of writes) emit(`  wt[${r}] = end; wc[${r}] = ${row.cls}; wr[${r}] = ready;`);
    }
    // The updated base comes from the AGU at issue, like an ALU result (JNK: post-indexed loads issue
    // back to back).
    if (baseWrites.length > 0) {
      emit(`  const baseReady = issue + ${CORE_LATENCY[Hot.ClassAlu]};`);
      for (const r of baseWrites) emit(`  wt[${r}] = issue; wc[${r}] = ${Hot.ClassAlu}; wr[${r}] = baseReady;`);
    }
    for (const s of fpWrites) {
      const o = s << 2;
      emit(`  fp[${o}] = end + ${row.fpLatency0}; fp[${o + 1}] = end + ${row.fpLatency1}; fp[${o + 2}] = end + ${row.fpLatency2};`);
    }
    if (has(RecFlag.SetsFlags)) emit('  m.flagsTime = issue;');
    emit('}');
  }
  if (has(RecFlag.Lock)) emit(`m.lockUntil = issue + ${row.lockCycles};`);
  if (has(RecFlag.FpArith)) emit(`m.fpBusyUntil = issue + ${row.fpBusyCycles};`);
  if (has(RecFlag.FpMac)) emit('m.macAt = issue;');

  // 7. Pairing state for the next instruction.
  emit('if (pairable) { a.dualIssued++; m.slotOpen = 0; }');
  emit(has(RecFlag.SingleIssue) ? 'else m.slotOpen = 0;' : 'else m.slotOpen = end === issue ? 1 : 0;');
  emit(`m.lastPairRow = ${row.pairRow};`);
  emit(has(RecFlag.SingleLoad) ? 'm.lastLoadBank = firstAddress >= 0 ? (firstAddress >>> 2) & 1 : -1;' : 'm.lastLoadBank = -1;');

  const noteBranch = `m.noteBranch(pc, ${row.branchKind}, ${f}, outcome, issue, end);`;
  emit(has(RecFlag.Branch) ? noteBranch : `if ((outcome & ${Hot.BranchTaken}) !== 0) ${noteBranch}`);

  // Cycles and instructions per code region are added when the code region changes.
  emit('if (mem.lastFetchRegion !== m.codeRegion) { m.flushCodeRegion(); m.codeRegion = mem.lastFetchRegion; }');
  emit('a.instructions++;');
  emit('m.t = end;');
  // Whole cycles; `| 0` returns a small integer rather than a boxed double.
  emit('return (end - t0) | 0;');
  return L.join('\n');
}
