/**
 * A deliberately minimal ELF32 little-endian reader for the fixture tests (System V gABI, ARM ELF
 * supplement): sections, symbols and loadable segments. Independent of packages/elf on purpose.
 */
import { readFileSync } from 'node:fs';

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: number; // STT_*: 1 object, 2 function
}
export interface ElfSection {
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
}
export interface ElfFile {
  bytes: Buffer;
  entry: number;
  sections: ElfSection[];
  symbols: Map<string, ElfSymbol>;
  /** PT_LOAD segments with file contents: load (physical) address and bytes. */
  loads: { paddr: number; data: Buffer }[];
}

export function readElf(path: string): ElfFile {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path}: not an ELF file`);
  if (b[4] !== 1 || b[5] !== 1) throw new Error(`${path}: not ELF32 little-endian`);
  if (b.readUInt16LE(18) !== 40) throw new Error(`${path}: e_machine is not EM_ARM (40)`);
  const entry = b.readUInt32LE(24);
  const shoff = b.readUInt32LE(32);
  const shentsize = b.readUInt16LE(46);
  const shnum = b.readUInt16LE(48);
  const shstrndx = b.readUInt16LE(50);
  const raw = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * shentsize;
    return {
      nameOffset: b.readUInt32LE(o),
      type: b.readUInt32LE(o + 4),
      addr: b.readUInt32LE(o + 12),
      offset: b.readUInt32LE(o + 16),
      size: b.readUInt32LE(o + 20),
      link: b.readUInt32LE(o + 24),
      entsize: b.readUInt32LE(o + 36),
    };
  });
  const cstr = (offset: number): string => b.toString('latin1', offset, b.indexOf(0, offset));
  const shstr = raw[shstrndx]!;
  const sections = raw.map((s) => ({ name: cstr(shstr.offset + s.nameOffset), type: s.type, addr: s.addr, offset: s.offset, size: s.size }));
  const symtab = raw.find((s) => s.type === 2); // SHT_SYMTAB
  if (!symtab) throw new Error(`${path}: no .symtab`);
  const strtab = raw[symtab.link]!;
  const symbols = new Map<string, ElfSymbol>();
  for (let o = symtab.offset + 16; o < symtab.offset + symtab.size; o += 16) {
    const name = cstr(strtab.offset + b.readUInt32LE(o));
    if (name === '' || name.startsWith('$')) continue; // mapping symbols $t/$d/$a
    const sym = { name, value: b.readUInt32LE(o + 4), size: b.readUInt32LE(o + 8), type: b[o + 12]! & 0xf };
    if (!symbols.has(name) || symbols.get(name)!.type === 0) symbols.set(name, sym);
  }
  const phoff = b.readUInt32LE(28);
  const phentsize = b.readUInt16LE(42);
  const phnum = b.readUInt16LE(44);
  const loads: { paddr: number; data: Buffer }[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const filesz = b.readUInt32LE(o + 16);
    if (b.readUInt32LE(o) === 1 && filesz > 0) {
      const offset = b.readUInt32LE(o + 4);
      loads.push({ paddr: b.readUInt32LE(o + 12), data: b.subarray(offset, offset + filesz) });
    }
  }
  return { bytes: b, entry, sections, symbols, loads };
}

/** Reads a 32-bit word at a run address from the section that holds it in the file. */
export function wordAt(elf: ElfFile, address: number): number {
  const s = elf.sections.find((x) => x.type === 1 && address >= x.addr && address + 4 <= x.addr + x.size);
  if (!s) throw new Error(`no PROGBITS section holds 0x${address.toString(16)}`);
  return elf.bytes.readUInt32LE(s.offset + (address - s.addr));
}
