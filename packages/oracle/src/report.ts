/** Text for mismatches: both register files side by side, differences marked, and a reproducer. */
import type { Mismatch, StateView } from './lockstep.js';
import { hexEncoding } from './generate/item.js';

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

function row(name: string, before: number, unicorn: number, core: number): string {
  const mark = unicorn >>> 0 !== core >>> 0 ? '  <<' : '';
  return `  ${name.padEnd(6)} ${hex(before)}  ${hex(unicorn)}  ${hex(core)}${mark}`;
}

/** A multi-line report of one mismatch. `fp` adds s0–s31 (otherwise only the ones that differ). */
export function formatMismatch(m: Mismatch, ordinal: number, fp: boolean): string {
  const lines: string[] = [];
  lines.push(`MISMATCH #${ordinal} after ${m.index} instructions (block ${m.block}) at pc ${hex(m.pc)}`);
  if (m.items.length === 0) lines.push('  (scratch memory differs at the end of the block, after instructions not marked as stores)');
  for (const item of m.items) {
    lines.push(`  ${hexEncoding(item).padEnd(10)} class ${item.group} (template ${item.template})`);
  }
  if (m.following.length > 0) lines.push(`  (then, in the same IT block: ${m.following.map(hexEncoding).join(', ')})`);
  if (m.unicornError) lines.push(`  Unicorn stopped with: ${m.unicornError}`);
  if (m.coreError) lines.push(`  seedsim core threw: ${m.coreError}`);
  lines.push(`  differs: ${m.differences.join(' ') || '(no register difference)'}`);
  lines.push(`  reg    before      unicorn     seedsim`);
  for (let i = 0; i < 16; i++) lines.push(row(`r${i}`, m.before.r[i], m.unicorn.r[i], m.core.r[i]));
  lines.push(row('apsr', m.before.apsr, m.unicorn.apsr, m.core.apsr));
  lines.push(row('epsr', m.before.epsr, m.unicorn.epsr, m.core.epsr));
  lines.push(row('fpscr', m.before.fpscr, m.unicorn.fpscr, m.core.fpscr));
  for (let i = 0; i < 32; i++) {
    if (fp || m.unicorn.s[i] !== m.core.s[i]) lines.push(row(`s${i}`, m.before.s[i], m.unicorn.s[i], m.core.s[i]));
  }
  for (const [address, u, c] of m.memory) {
    lines.push(`  mem ${hex(address)}: unicorn 0x${u.toString(16).padStart(2, '0')} seedsim 0x${c.toString(16).padStart(2, '0')}  <<`);
  }
  lines.push(`  reproducer: ${JSON.stringify(reproducer(m, fp))}`);
  return lines.join('\n');
}

/** The minimal reproducer: the bytes of the step at its address, the registers before, the memory it touched. */
export function reproducer(m: Mismatch, fp: boolean): object {
  const view = (s: StateView): object => ({
    r: s.r.map(hex),
    apsr: hex(s.apsr),
    ...(fp ? { fpscr: hex(s.fpscr), s: s.s.map(hex) } : {}),
  });
  return {
    pc: hex(m.pc),
    code: [...m.items, ...m.following].map(hexEncoding).join(' '),
    before: view(m.before),
    memory: m.accesses.map((a) => ({ address: hex(a.address), size: a.size, value: hex(a.before), write: a.isWrite })),
  };
}
