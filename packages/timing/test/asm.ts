/**
 * Test helper: assembles Thumb-2 with Debian's arm-none-eabi-as and runs it on the real Cpu over a
 * FlatBus with a timing model attached. Node-only (tests).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cpu, FlatBus, type CycleModel } from '@seedsim/core';

const assembled = new Map<string, Uint8Array>();

export function assemble(source: string): Uint8Array {
  const hit = assembled.get(source);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), 'seedsim-timing-'));
  try {
    writeFileSync(join(dir, 'a.s'), `.syntax unified\n.thumb\n.text\n${source}\n`);
    execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m7', '-mfpu=fpv5-d16', '-mthumb', '-o', join(dir, 'a.o'), join(dir, 'a.s')], { stdio: 'pipe' });
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')], { stdio: 'pipe' });
    const bytes = new Uint8Array(readFileSync(join(dir, 'a.bin')));
    assembled.set(source, bytes);
    return bytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Rig {
  cpu: Cpu;
  end: number;
  /** Runs to the end of the program; returns the cycles it took. */
  run(maxSteps?: number): number;
}

/**
 * The program at `codeBase` (ITCM 0x0 by default, or e.g. flash 0x0800_0000), data RAM at DTCM
 * 0x2000_0000 and AXI SRAM 0x2400_0000 (64 KB each), `regs` preset.
 */
export function rig(source: string, model: CycleModel | null, regs: Record<number, number> = {}, codeBase = 0): Rig {
  const code = assemble(source);
  const bus = new FlatBus();
  bus.addRange(codeBase, 0x10000).set(code);
  bus.addRange(0x2000_0000, 0x10000);
  bus.addRange(0x2400_0000, 0x10000);
  const cpu = new Cpu({ bus, cycleModel: model });
  cpu.state.r[13] = 0x2001_0000;
  for (const [k, v] of Object.entries(regs)) cpu.state.r[Number(k)] = v >>> 0;
  cpu.state.r[15] = codeBase;
  const end = codeBase + code.length;
  return {
    cpu,
    end,
    run(maxSteps = 1_000_000) {
      const start = cpu.clock.cycles;
      for (let k = 0; k < maxSteps && cpu.state.r[15] !== end; k++) cpu.step();
      if (cpu.state.r[15] !== end) throw new Error(`program did not finish (pc=0x${cpu.state.r[15].toString(16)})`);
      return cpu.clock.cycles - start;
    },
  };
}
