/**
 * Test helper: assembles Thumb source with Debian's arm-none-eabi-as (-mcpu=cortex-m7 -mthumb) and returns
 * the raw bytes (objcopy -O binary). Node-only; used by tests, never by the emulator.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cpu, FlatBus } from '../src/index.js';

const cache = new Map<string, Uint8Array>();

export function assemble(source: string): Uint8Array {
  const hit = cache.get(source);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), 'seedsim-asm-'));
  try {
    const src = join(dir, 't.s');
    const obj = join(dir, 't.o');
    const bin = join(dir, 't.bin');
    writeFileSync(src, `.syntax unified\n.thumb\n.text\n${source}\n`);
    try {
      execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m7', '-mfpu=fpv5-d16', '-mthumb', '-o', obj, src], { stdio: 'pipe' });
    } catch (e) {
      const stderr = (e as { stderr?: Uint8Array }).stderr;
      throw new Error(`assembler failed:\n${stderr ? new TextDecoder().decode(stderr) : String(e)}`);
    }
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', obj, bin], { stdio: 'pipe' });
    const bytes = new Uint8Array(readFileSync(bin));
    cache.set(source, bytes);
    return bytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const CODE_BASE = 0x0000_0000;
export const RAM_BASE = 0x2000_0000;
export const RAM_SIZE = 0x10000;

export interface Machine {
  cpu: Cpu;
  bus: FlatBus;
  ram: Uint8Array;
  /** Address just past the program: running stops when PC reaches it. */
  end: number;
}

/** A Cpu on a FlatBus with the program at CODE_BASE (64 KiB) and RAM at RAM_BASE; SP at the top of RAM. */
export function machine(source: string, regs: Record<number, number> = {}): Machine {
  const code = assemble(source);
  const bus = new FlatBus();
  const rom = bus.addRange(CODE_BASE, 0x10000);
  rom.set(code);
  const ram = bus.addRange(RAM_BASE, RAM_SIZE);
  const cpu = new Cpu({ bus });
  cpu.state.r[13] = RAM_BASE + RAM_SIZE;
  for (const [k, v] of Object.entries(regs)) cpu.state.r[Number(k)] = v >>> 0;
  cpu.state.r[15] = CODE_BASE;
  return { cpu, bus, ram, end: CODE_BASE + code.length };
}

/** Steps until PC reaches the end of the program (or `maxSteps`). Returns the machine. */
export function run(source: string, regs: Record<number, number> = {}, maxSteps = 10_000): Machine {
  const m = machine(source, regs);
  runUntilEnd(m, maxSteps);
  return m;
}

export function runUntilEnd(m: Machine, maxSteps = 10_000): void {
  for (let k = 0; k < maxSteps; k++) {
    if (m.cpu.state.r[15] === m.end) return;
    m.cpu.step();
  }
  throw new Error(`program did not reach its end (pc=0x${m.cpu.state.r[15].toString(16)})`);
}

/** NZCV as a 4-bit number (N=8, Z=4, C=2, V=1) for compact assertions. */
export function nzcv(cpu: Cpu): number {
  const s = cpu.state;
  return (s.n << 3) | (s.z << 2) | (s.c << 1) | s.v;
}
