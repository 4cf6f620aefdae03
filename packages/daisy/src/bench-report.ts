import type { CycleStats } from './stats.js';
import type { RuleEvent } from './diagnostics.js';

/** Cycle totals per block for one cause or region, averaged over the measured window. */
export interface RegionBreakdown {
  instructions: number;
  cycles: number;
  fetchStall: number;
  dataStall: number;
  icacheHitRate: number | null;
  dcacheHitRate: number | null;
  uncachedAccesses: number;
}

export interface HotFunction {
  name: string;
  /** Per block. */
  inclusive: number;
  exclusive: number;
  calls: number;
}

/** What `seedsim bench` measured for one image (also its --json form). */
export interface BenchResult {
  file: string;
  /** The what-if placements the image was priced with (BoardOptions.whatIf): "reverb_lines → DTCM". */
  whatIf?: string;
  /** Regions those moves would overfill: a placement the linker would refuse. */
  whatIfOverfills?: string[];
  appType: string;
  timing: string;
  cpuHz: number;
  sampleRateHz: number;
  blockFrames: number;
  blockRateHz: number;
  blocks: number;
  bootCycles: number;
  callback: { symbol: string; how: string; cycles: CycleStats };
  isr: { symbol: string; irq: number; cycles: CycleStats } | null;
  cpuLoad: { median: number; max: number };
  /** Per block over the measured window (main loop and sleep included under their causes). */
  byCause: Record<string, number>;
  byRegion: Record<string, RegionBreakdown>;
  hottest: HotFunction[];
  rules: RuleEvent[];
  /** With BoardOptions.midiInput only: MIDI bytes USART1 received, and lost because its receiver was off. */
  midi?: { received: number; lost: number };
  /** With BoardOptions.usbMidiInput only: MIDI bytes delivered to the USB-MIDI device, and lost before it was open. */
  usbMidi?: { delivered: number; lost: number };
  /** With BoardOptions.gpioInput only: pins nothing read, and events after the end (DaisyBoard.gpioInputNotes). */
  gpioNotes?: string[];
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatBench(result: BenchResult, top = 10): string {
  const lines: string[] = [];
  const whatIf = result.whatIf !== undefined ? `, what-if ${result.whatIf}` : '';
  lines.push(`${result.file}  (${result.appType}, ${(result.cpuHz / 1e6).toFixed(0)} MHz, timing ${result.timing}${whatIf})`);
  const c = result.callback.cycles;
  lines.push(
    `  callback ${result.callback.symbol} (${result.callback.how}), ${c.count} blocks of ${result.blockFrames} frames at ${result.sampleRateHz.toFixed(0)} Hz:`,
  );
  lines.push(`    cycles per callback: min ${fmt(c.min)}  median ${fmt(c.median)}  p99 ${fmt(c.p99)}  max ${fmt(c.max)}`);
  if (result.isr) {
    const i = result.isr.cycles;
    lines.push(`    whole interrupt ${result.isr.symbol} (IRQ ${result.isr.irq}, entry and exit included): median ${fmt(i.median)}  max ${fmt(i.max)}`);
  }
  lines.push(`    CPU load at ${result.blockRateHz.toFixed(1)} blocks/s: median ${pct(result.cpuLoad.median)}, max ${pct(result.cpuLoad.max)}`);
  lines.push(`    boot to first callback: ${fmt(result.bootCycles)} cycles (${((result.bootCycles / result.cpuHz) * 1e3).toFixed(1)} ms)`);
  if (result.midi) lines.push(`    MIDI into USART1: ${result.midi.received} bytes received, ${result.midi.lost} lost (receiver off)`);
  if (result.usbMidi) lines.push(`    MIDI over USB: ${result.usbMidi.delivered} bytes delivered, ${result.usbMidi.lost} lost before the USB-MIDI device was open`);
  const causes = Object.entries(result.byCause).filter(([, v]) => v >= 0.5);
  const busy = causes.filter(([k]) => k !== 'sleep').reduce((a, [, v]) => a + v, 0);
  lines.push(`  cycles per block by cause (busy ${fmt(busy)}):`);
  lines.push('    ' + causes.map(([k, v]) => `${k} ${fmt(v)}${k !== 'sleep' && busy > 0 ? ` (${pct(v / busy)})` : ''}`).join(' | '));
  const regions = Object.entries(result.byRegion).filter(([, r]) => r.cycles >= 0.5 || r.dataStall >= 0.5 || r.uncachedAccesses > 0);
  if (regions.length > 0) {
    lines.push('  per block by region:   instr-cycles  fetch-stall  data-stall  I-cache hit  D-cache hit  uncached');
    for (const [name, r] of regions) {
      const rate = (x: number | null) => (x === null ? '-' : pct(x));
      lines.push(
        `    ${name.padEnd(12)} ${fmt(r.cycles).padStart(14)} ${fmt(r.fetchStall).padStart(12)} ${fmt(r.dataStall).padStart(11)} ${rate(r.icacheHitRate).padStart(12)} ${rate(r.dcacheHitRate).padStart(12)} ${fmt(r.uncachedAccesses).padStart(9)}`,
      );
    }
  }
  // The whole CPU, not the callback alone: main-loop code that runs while audio plays shows here too.
  lines.push(`  hottest functions per block, whole CPU (interrupts and main loop; inclusive of callees, not of interrupts / exclusive cycles):`);
  for (const f of result.hottest.slice(0, top)) {
    lines.push(`    ${fmt(f.inclusive).padStart(10)} ${fmt(f.exclusive).padStart(10)}  ${f.name}`);
  }
  if (result.rules.length > 0) {
    // The same rule on the same data, fired again and again (each call of an allocating function), is one entry with a count.
    const counts = new Map<string, number>();
    for (const r of result.rules) counts.set(`${r.rule} (${r.dataSymbol})`, (counts.get(`${r.rule} (${r.dataSymbol})`) ?? 0) + 1);
    lines.push(`  rules fired: ${[...counts].map(([what, n]) => (n > 1 ? `${what} ×${n}` : what)).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

/** The side-by-side table of several images, with the ratio of median callback cycles to the first. */
export function formatComparison(results: readonly BenchResult[]): string {
  if (results.length < 2) return '';
  const base = results[0].callback.cycles.median || 1;
  const label = (r: BenchResult): string =>
    r.whatIf === undefined ? r.file : `${r.file} [${r.whatIf}]${r.whatIfOverfills ? ` (would not fit ${r.whatIfOverfills.join(', ')})` : ''}`;
  const width = Math.max(12, ...results.map((r) => label(r).length));
  const lines = [`${'image'.padEnd(width)}  ${'median cycles'.padStart(13)}  ${'ratio'.padStart(6)}  ${'p99'.padStart(10)}  ${'CPU load'.padStart(8)}  largest stall / memory stall by region`];
  for (const r of results) {
    const stalls = Object.entries(r.byCause).filter(([k]) => k !== 'issue' && k !== 'sleep').sort((a, b) => b[1] - a[1]);
    const memory = Object.entries(r.byRegion)
      .map(([name, g]) => [name, g.dataStall + g.fetchStall] as const)
      .filter(([, v]) => v >= 1)
      .sort((a, b) => b[1] - a[1]);
    const why = [stalls[0] && stalls[0][1] >= 1 ? `${stalls[0][0]} ${fmt(stalls[0][1])}` : '-', memory.length ? memory.slice(0, 2).map(([n, v]) => `${n} ${fmt(v)}`).join(', ') : '-'].join(' / ');
    lines.push(
      `${label(r).padEnd(width)}  ${fmt(r.callback.cycles.median).padStart(13)}  ${(r.callback.cycles.median / base).toFixed(2).padStart(6)}  ${fmt(r.callback.cycles.p99).padStart(10)}  ${pct(r.cpuLoad.median).padStart(8)}  ${why}`,
    );
  }
  return lines.join('\n') + '\n';
}
