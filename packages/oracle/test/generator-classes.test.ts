/**
 * The generator produces encodings the seedsim core decodes as the intended timing class
 * (insn-class.ts), and every class appears. Expected classes come from the templates (which follow
 * the ARM ARM encoding tables), not from the decoder.
 */
import { describe, expect, it } from 'vitest';
import { Cpu, FlatBus } from '@seedsim/core';
import { Rng } from '../src/generate/rng.js';
import { StreamGenerator, classNames, INTEGER_TEMPLATES } from '../src/generate/stream.js';
import { CODE_BASE, CODE_SIZE } from '../src/generate/layout.js';
import { hexEncoding } from '../src/generate/item.js';
import { FP_TEMPLATES } from '../src/generate/fp.js';

function decodeBlocks(fp: boolean, blocks: number, seed: number): { wrong: string[]; seen: Set<string>; count: number } {
  const generator = new StreamGenerator(new Rng(seed), { fp });
  const code = new Uint8Array(CODE_SIZE);
  const cpu = new Cpu({ bus: new FlatBus([{ base: CODE_BASE, bytes: code }]) });
  const wrong: string[] = [];
  const seen = new Set<string>();
  let count = 0;
  for (let b = 0; b < blocks; b++) {
    const block = generator.nextBlock();
    code.set(block.code, block.start - CODE_BASE);
    cpu.invalidateAllCode();
    for (const item of block.items) {
      if (item.isData || item.insnClass === null) continue;
      count++;
      seen.add(item.template);
      const insn = cpu.decodedAt(item.address);
      if (insn.cls !== item.insnClass) {
        wrong.push(`${hexEncoding(item)} ${item.template}: expected class ${item.insnClass}, decoded ${insn.mnemonic} as class ${insn.cls} (insn-class.ts numbering)`);
      }
    }
  }
  return { wrong, seen, count };
}

describe('generated encodings decode as their intended class', () => {
  it('integer streams', () => {
    const { wrong, seen, count } = decodeBlocks(false, 400, 12345);
    expect(count).toBeGreaterThan(8000);
    expect(wrong.slice(0, 20)).toEqual([]);
    // Every integer template was drawn.
    expect(INTEGER_TEMPLATES.map((t) => t.name).filter((n) => !seen.has(n))).toEqual([]);
  });

  it('FP streams', () => {
    const { wrong, seen, count } = decodeBlocks(true, 300, 54321);
    expect(count).toBeGreaterThan(6000);
    expect(wrong.slice(0, 20)).toEqual([]);
    // Every FP template's instructions were drawn (template names of FP items carry the operation).
    for (const prefix of ['fp-vmla', 'fp-vfma', 'fp-vadd', 'fp-vdiv', 'fp-vsqrt', 'fp-vcmp', 'fp-vcvt-fixed', 'fp-vrint', 'fp-minmax-sel', 'fp-vldm-vstm', 'fp-vmov-core']) {
      expect(seen.has(prefix), prefix).toBe(true);
    }
    expect(FP_TEMPLATES.length).toBeGreaterThan(10);
  });

  it('a seed reproduces the same stream; another seed gives another', () => {
    const code = (seed: number): string => {
      const generator = new StreamGenerator(new Rng(seed));
      let text = '';
      for (let b = 0; b < 5; b++) text += Array.from(generator.nextBlock().code, (x) => x.toString(16).padStart(2, '0')).join('');
      return text;
    };
    expect(code(99)).toBe(code(99));
    expect(code(99)).not.toBe(code(100));
  });

  it('every class name is selectable on its own', () => {
    for (const name of classNames(false)) {
      const generator = new StreamGenerator(new Rng(1), { only: name });
      const block = generator.nextBlock();
      expect(block.items.length).toBeGreaterThan(2);
    }
  });
});
