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
 * The same steps are also written out once in a generic form that reads the facts from the record's row
 * as it runs (genericPricingSource). Every decoded record starts with it and changes to its row's own
 * function after M7Model.specialiseAfter retires within M7Model.specialiseWindow cycles: code that runs a
 * few times (boot, HAL initialisation) or once per audio block is priced without generating and
 * compiling a function per record. One writer (`writePricing`) emits
 * both forms, and test/m7-pricing-tiers.test.ts checks they agree on random programs.
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
  'lastPairRow', 'narrowHistory', 'regReady', 'regTime', 'regCls', 'coreLatency', 'fpReadyAt', 'fpBusyUntil', 'macAt',
  'lockUntil', 'flagsTime', 'lastLoadBank', 'codeRegion', 'rows', 'specialiseAfter', 'specialiseWindow',
  'idle', 'resolveBranch', 'dynamicPairOk', 'accessMemory', 'extraCycles', 'noteBranch', 'flushCodeRegion', 'specialise',
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

/** The fields of a TimingRow the pricing reads (all but the specialisation count and its window). */
type RowField = Exclude<keyof TimingRow, 'retired' | 'countedSince'>;

/**
 * How the pricing steps are written out: with one row's facts as literals (the row's own function), or
 * reading them from `row` at run time (the generic function every record starts with).
 */
interface Writer {
  emit(line: string): void;
  /** A row fact: its value, or `row.<field>`. */
  fact(field: RowField): string;
  /** Emits `code` when the row has `flag`: as it is, or left out, or under a test of `f` (the row's flags). */
  when(flag: number, code: string): void;
  /** Emits `yes` when the row has `flag`, else `no` (or both under a test of `f`). */
  choose(flag: number, yes: string, no: string): void;
  /** Emits `line(r)` for each set bit r of a mask field: unrolled, or as a loop over `row.<field>`. */
  each(field: RowField, line: (r: string) => string): void;
  /** True when the mask field has no bit set (known only for a specialised row). */
  none(field: RowField): boolean;
  /** Emits `open`, what `body` emits, and `}`: nothing at all when `body` emits nothing. */
  block(open: string, body: () => void): void;
}

/** The lines and indentation a writer emits into, and its `block`. */
function lineSink(): { lines: string[]; emit(line: string): void; block(open: string, body: () => void): void } {
  const lines: string[] = [];
  let indent = '';
  const emit = (line: string): void => {
    lines.push(indent + line);
  };
  const block = (open: string, body: () => void): void => {
    const at = lines.length;
    emit(open);
    indent += '  ';
    body();
    indent = indent.slice(2);
    if (lines.length === at + 1) lines.length = at;
    else emit('}');
  };
  return { lines, emit, block };
}

function specialisedWriter(row: TimingRow): Writer & { lines: string[] } {
  const sink = lineSink();
  const has = (flag: number): boolean => (row.flags & flag) !== 0;
  return {
    ...sink,
    fact: (field) => String(row[field]),
    when: (flag, code) => {
      if (has(flag)) sink.emit(code);
    },
    choose: (flag, yes, no) => sink.emit(has(flag) ? yes : no),
    each: (field, line) => {
      for (const r of bits(row[field])) sink.emit(line(String(r)));
    },
    none: (field) => row[field] === 0,
  };
}

function genericWriter(): Writer & { lines: string[] } {
  const sink = lineSink();
  let loops = 0;
  return {
    ...sink,
    fact: (field) => `row.${field}`,
    when: (flag, code) => sink.block(`if ((f & ${flag}) !== 0) {`, () => sink.emit(code)),
    choose: (flag, yes, no) => {
      sink.emit(`if ((f & ${flag}) !== 0) ${yes}`);
      sink.emit(`else ${no}`);
    },
    each: (field, line) => {
      const b = `b${loops++}`;
      sink.block(`for (let ${b} = row.${field}; ${b} !== 0; ${b} &= ${b} - 1) {`, () => {
        sink.emit(`const r = 31 - Math.clz32(${b} & -${b});`);
        sink.emit(line('r'));
      });
    },
    none: () => false,
  };
}

/** The body of the pricing function of `row`, parameters (m, pc, info, outcome). */
export function pricingSource(row: TimingRow): string {
  const w = specialisedWriter(row);
  writePricing(w);
  return w.lines.join('\n');
}

/**
 * The body of the generic pricing function, parameters (m, pc, info, outcome): the same steps as
 * pricingSource, reading the facts of the record's row (`m.rows[info.timingId]`) as it runs. A record is
 * priced by it until it has retired `m.specialiseAfter` times within `m.specialiseWindow` cycles, then by
 * its row's own function.
 */
export function genericPricingSource(): string {
  const w = genericWriter();
  w.emit('const row = m.rows[info.timingId], f = row.flags;');
  writePricing(w);
  // Counted last, after every state change of this retire: the row's own function takes over from the next.
  const result = w.lines.pop() as string;
  w.emit('if (m.t - row.countedSince > m.specialiseWindow) { row.countedSince = m.t; row.retired = 0; }');
  w.emit('if (++row.retired >= m.specialiseAfter) m.specialise(info, row);');
  w.lines.push(result);
  return w.lines.join('\n');
}

let generic: PriceFn | null = null;

/** The generic pricing function (see genericPricingSource), compiled once. */
export function genericPricingFunction(): PriceFn {
  generic ??= new Function('m', 'pc', 'info', 'outcome', genericPricingSource()) as PriceFn;
  return generic;
}

/** `a + b`, folded to one number when both are numbers (a specialised row's facts). */
function plus(a: string, b: string | number): string {
  const x = Number(a);
  const y = Number(b);
  return a.trim() !== '' && Number.isInteger(x) && Number.isInteger(y) ? String(x + y) : `${a} + ${b}`;
}

/** The index of S register `s`, read kind `k` in m7-model.ts fpReadyAt (s * 4 + k), folded when it can be. */
function fpSlot(s: string, k: string | number): string {
  return Number.isInteger(Number(s)) ? plus(String(Number(s) * 4), k) : plus(`(${s} << 2)`, k);
}

/** The steps of the pricing (the order documented at the top of m7-model.ts), through `w`. */
function writePricing(w: Writer): void {
  const { fact, when, choose, each, none, emit, block } = w;

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
  emit(`let pairable = m.slotOpen === 1 && m.pairOk[m.lastPairRow + ${fact('cls')}] === 1;`);
  when(RecFlag.PairCheck, `if (pairable) pairable = m.dynamicPairOk(${fact('flags')}, firstAddress, t0, info);`);

  // 3. Constraints other than the pair slot. Fetch: only a new 64-bit granule (or a fill in flight)
  // needs the memory system; a granule of the line the last lookup hit is a counted hit without a call.
  emit('let fetchReady = t0;');
  emit(`const granule = ((pc + ${plus(fact('size'), -1)}) >>> 3) | 0;`);
  emit('if (granule !== mem.lastFetchGranule || t0 < mem.fillEnd) {');
  emit('  const line = ((granule << 3) >>> 0) >>> mem.lineShift;');
  emit(`  const i = line & ${FETCH_MEMO_MASK};`);
  emit('  if (t0 >= mem.fillEnd && mem.fetchMemoLine[i] === line && pc >>> mem.lineShift === line) {');
  emit('    mem.lastFetchGranule = granule;');
  emit('    const region = mem.fetchMemoRegion[i];');
  emit('    mem.lastFetchRegion = region;');
  emit(`    if (region !== ${Mem.RegionItcm}) a.icacheHits[region]++;`);
  emit(`  } else fetchReady = t0 + mem.fetch(pc, ${fact('size')}, t0);`);
  emit('}');

  // Operands. Ordinary ones: completion + latency to the late ALU, precomputed when written.
  emit(`let depReady = ${Hot.LongAgo};`);
  const readyAfter = (expr: string): string => `{ const x = ${expr}; if (x > depReady) depReady = x; }`;
  if (!none('readNormal')) {
    emit('const rr = m.regReady;');
    each('readNormal', (r) => readyAfter(`rr[${r}]`));
  }
  // Registers read in another stage: completion + the latency from the producer's class to that stage
  // (CORE_LATENCY[stage * classes + producer class]).
  const staged: [RowField, RowField][] = [
    ['readA', 'kindA'],
    ['readB', 'kindB'],
    ['readC', 'kindC'],
  ];
  // The first index of a read stage's row of CORE_LATENCY.
  const stage = (kind: RowField): string => {
    const k = fact(kind);
    return Number.isInteger(Number(k)) ? String(Number(k) * INSN_CLASS_COUNT) : `${k} * ${INSN_CLASS_COUNT}`;
  };
  if (staged.some(([mask]) => !none(mask))) {
    emit('const rt = m.regTime, rc = m.regCls, cl = m.coreLatency;');
    for (const [mask, kind] of staged) each(mask, (r) => readyAfter(`rt[${r}] + cl[${stage(kind)} + rc[${r}]]`));
  }
  // S registers: per register and read kind (m7-model.ts fpReadyAt), the VFMA/VMLA accumulator apart.
  if (!none('fpReadAcc') || !none('fpRead') || !none('fpWrite')) emit('const fp = m.fpReadyAt;');
  each('fpReadAcc', (s) => readyAfter(`fp[${fpSlot(s, Hot.FpAccumulator)}]`));
  each('fpRead', (s) => readyAfter(`fp[${fpSlot(s, fact('fpKind'))}]`));

  // The FP unit, the MAC shadow and the pipeline lock of VDIV/VSQRT.
  emit(`let unitReady = ${Hot.LongAgo};`);
  when(RecFlag.FpArith, 'if (m.fpBusyUntil > unitReady) unitReady = m.fpBusyUntil;');
  when(RecFlag.MacBlocked, `{ const x = m.macAt + ${1 + Hot.MacBlockCycles}; if (x > unitReady) unitReady = x; }`);
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
  when(RecFlag.ExtraBeats, `end += m.extraCycles(${fact('flags')}, ${fact('cls')}, info, firstAddress);`);

  // 6. Results (only when the instruction executed) and unit state. A core result reaches an ordinary
  // consumer CORE_LATENCY[class] cycles after the instruction's end.
  const latency = (cls: string): string => (Number.isInteger(Number(cls)) ? String(CORE_LATENCY[Number(cls)]) : `m.coreLatency[${cls}]`);
  block(`if ((outcome & ${Hot.Executed}) !== 0) {`, () => {
    if (!none('write') || !none('baseWrite')) emit('const wt = m.regTime, wc = m.regCls, wr = m.regReady;');
    if (!none('write')) {
      emit(`const ready = end + ${latency(fact('cls'))};`);
      each('write', (r) => `wt[${r}] = end; wc[${r}] = ${fact('cls')}; wr[${r}] = ready;`);
    }
    // The updated base comes from the AGU at issue, like an ALU result (JNK: post-indexed loads issue
    // back to back).
    if (!none('baseWrite')) {
      emit(`const baseReady = issue + ${CORE_LATENCY[Hot.ClassAlu]};`);
      each('baseWrite', (r) => `wt[${r}] = issue; wc[${r}] = ${Hot.ClassAlu}; wr[${r}] = baseReady;`);
    }
    each('fpWrite', (s) => `fp[${fpSlot(s, 0)}] = end + ${fact('fpLatency0')}; fp[${fpSlot(s, 1)}] = end + ${fact('fpLatency1')}; fp[${fpSlot(s, 2)}] = end + ${fact('fpLatency2')};`);
    when(RecFlag.SetsFlags, 'm.flagsTime = issue;');
  });
  when(RecFlag.Lock, `m.lockUntil = issue + ${fact('lockCycles')};`);
  when(RecFlag.FpArith, `m.fpBusyUntil = issue + ${fact('fpBusyCycles')};`);
  when(RecFlag.FpMac, 'm.macAt = issue;');

  // 7. Pairing state for the next instruction.
  emit('if (pairable) { a.dualIssued++; m.slotOpen = 0; }');
  choose(RecFlag.SingleIssue, 'm.slotOpen = 0;', 'm.slotOpen = pairable || end !== issue ? 0 : 1;');
  emit(`m.lastPairRow = ${fact('pairRow')};`);
  choose(RecFlag.SingleLoad, 'm.lastLoadBank = firstAddress >= 0 ? (firstAddress >>> 2) & 1 : -1;', 'm.lastLoadBank = -1;');

  const noteBranch = `m.noteBranch(pc, ${fact('branchKind')}, ${fact('flags')}, outcome, issue, end);`;
  choose(RecFlag.Branch, noteBranch, `if ((outcome & ${Hot.BranchTaken}) !== 0) ${noteBranch}`);
  // After noteBranch, which reads the history as it was before this instruction.
  const size = fact('size');
  if (Number.isInteger(Number(size))) emit(`m.narrowHistory = ((m.narrowHistory << 1) & 3)${Number(size) === 2 ? ' | 1' : ''};`);
  else emit(`m.narrowHistory = ((m.narrowHistory << 1) & 3) | (${size} === 2 ? 1 : 0);`);

  // Cycles and instructions per code region are added when the code region changes.
  emit('if (mem.lastFetchRegion !== m.codeRegion) { m.flushCodeRegion(); m.codeRegion = mem.lastFetchRegion; }');
  emit('a.instructions++;');
  emit('m.t = end;');
  // Whole cycles; `| 0` returns a small integer rather than a boxed double.
  emit('return (end - t0) | 0;');
}
