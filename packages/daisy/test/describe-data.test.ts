import { describe, expect, it } from 'vitest';
import { SymbolTable } from '@seedsim/elf';
import { describeData } from '../src/diagnostics.js';

const table = new SymbolTable([
  { name: 'audioSample', address: 0xc000_0000, size: 768_000, kind: 'object', local: false, section: '.sdram_bss' },
  { name: 'process', address: 0x0800_1000, size: 0x40, kind: 'function', local: false, section: '.text' },
]);

describe('describeData', () => {
  it('names an address inside an object by offset', () => {
    expect(describeData(table, 0xc000_0010)).toBe('audioSample+0x10');
  });

  it('names an access just past the end of an object (an index one too far)', () => {
    expect(describeData(table, 0xc00b_b800)).toBe('0xc00bb800 (0 bytes past the end of audioSample, 768000 bytes)');
    expect(describeData(table, 0xc00b_b801)).toBe('0xc00bb801 (1 byte past the end of audioSample, 768000 bytes)');
  });

  it('gives the bare address far from any object, or after a function', () => {
    expect(describeData(table, 0xc010_0000)).toBe('0xc0100000');
    expect(describeData(table, 0x0800_1044)).toBe('0x08001044');
  });
});
