import { describe, expect, it } from 'vitest';
import { SymbolTable, type ElfImage, type ElfSymbol } from '@seedsim/elf';
import { callbackLinkerName } from '../src/commands/bench-one.js';
import { demangleNames } from '../src/demangle.js';

const fn = (name: string, address: number): ElfSymbol => ({ name, address, size: 0x40, kind: 'function', local: false, section: '.text' });
const image = {
  name: 'app.elf',
  symbols: new SymbolTable([fn('_Z13AudioCallbackPPfS0_j', 0x1000), fn('_Z7ProcessPf', 0x2000), fn('_Z7Processf', 0x3000), fn('main', 0x4000)]),
} as unknown as ElfImage;
const haveCxxFilt = demangleNames(['_Z7Processf']).size > 0;

describe('--callback names', () => {
  it('takes a linker name as it is', () => {
    expect(callbackLinkerName(image, 'main')).toBe('main');
    expect(callbackLinkerName(image, '_Z13AudioCallbackPPfS0_j')).toBe('_Z13AudioCallbackPPfS0_j');
  });

  it.skipIf(!haveCxxFilt)('takes the C++ name bench prints, with or without its parameter list', () => {
    expect(callbackLinkerName(image, 'AudioCallback(float**, float**, unsigned int)')).toBe('_Z13AudioCallbackPPfS0_j');
    expect(callbackLinkerName(image, 'AudioCallback')).toBe('_Z13AudioCallbackPPfS0_j');
    expect(callbackLinkerName(image, 'Process(float)')).toBe('_Z7Processf');
    expect(() => callbackLinkerName(image, 'Process')).toThrow(/names 2 functions .*give its parameter list/);
  });

  it('passes an unknown name on, for the bench to refuse', () => {
    expect(callbackLinkerName(image, 'NoSuchCallback')).toBe('NoSuchCallback');
  });
});
