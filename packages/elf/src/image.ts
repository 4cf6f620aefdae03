import elfy from 'elfy';
import { ElfError } from './errors.js';
import { validateElf } from './header.js';
import { parseSymbols, SymbolTable } from './symbols.js';

/** A loadable segment: `loadAddress` (LMA, p_paddr) is where its bytes sit in the stored image;
 * `runAddress` (VMA, p_vaddr) is where the program expects them at run time. They differ for .data. */
export interface Segment {
  runAddress: number;
  loadAddress: number;
  /** Bytes present in the file (filesz); the rest up to memorySize is zero-initialised (.bss). */
  data: Uint8Array;
  memorySize: number;
  readable: boolean;
  writable: boolean;
  executable: boolean;
}

export interface Section {
  name: string;
  /** Run address (VMA). */
  address: number;
  /** Load address (LMA): where the section's bytes are stored in the image; equals address unless relocated (.data). */
  loadAddress: number;
  size: number;
  /** SHT_NOBITS sections (.bss, NOLOAD) occupy memory but no file bytes. */
  noBits: boolean;
  /** SHF_ALLOC: part of the program image in memory. */
  allocated: boolean;
  executable: boolean;
  writable: boolean;
  data: Uint8Array;
}

export interface ElfImage {
  /** What the user named the file, for messages. */
  name: string;
  /** Entry point with the Thumb bit as stored. */
  entry: number;
  segments: Segment[];
  sections: Section[];
  symbols: SymbolTable;
}

const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;
const PT_LOAD = 1;

interface ElfyProgram {
  type: string | number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  flags: Record<string, boolean>;
}

interface ElfySection {
  name: string;
  type: string | number;
  flags: Record<string, boolean>;
  addr: number;
  off: number;
  size: number;
  link: number;
  data: Uint8Array;
}

/** elfy reads through Node's Buffer API; in a browser bundle a Buffer polyfill provides it. */
function asBuffer(bytes: Uint8Array): Uint8Array {
  const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): Uint8Array } }).Buffer;
  if (!NodeBuffer) throw new ElfError('ELF parsing needs a Buffer implementation (Node, or a polyfill in the browser bundle)');
  return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Parses and validates an ARM ELF32 executable. Throws ElfError with a one-line reason for anything
 * that is not one (wrong class, endianness, machine or type, truncated tables, offsets past the end).
 */
export function loadElf(bytes: Uint8Array, name = 'firmware.elf'): ElfImage {
  const header = validateElf(bytes);
  let parsed: { entry: number; body: { programs: ElfyProgram[]; sections: ElfySection[] } };
  try {
    parsed = elfy.parse(asBuffer(bytes));
  } catch (error) {
    throw new ElfError(`malformed ELF: ${(error as Error).message}`);
  }
  const programs = parsed.body.programs.filter((p) => p.type === 'load' || p.type === PT_LOAD);
  const segments: Segment[] = programs.map((p) => ({
    runAddress: p.vaddr >>> 0,
    loadAddress: p.paddr >>> 0,
    data: bytes.subarray(p.offset, p.offset + p.filesz),
    memorySize: p.memsz,
    readable: !!p.flags.r,
    writable: !!p.flags.w,
    executable: !!p.flags.x,
  }));

  const loadAddressOf = (address: number, size: number): number => {
    for (const s of segments) {
      if (address >= s.runAddress && address + size <= s.runAddress + s.memorySize && s.memorySize > 0) {
        return (s.loadAddress + (address - s.runAddress)) >>> 0;
      }
    }
    return address;
  };

  const sections: Section[] = parsed.body.sections.map((s) => {
    const allocated = !!s.flags.alloc;
    const noBits = s.type === 'nobits' || s.type === SHT_NOBITS;
    return {
      name: s.name,
      address: s.addr >>> 0,
      loadAddress: allocated && !noBits ? loadAddressOf(s.addr >>> 0, s.size) : s.addr >>> 0,
      size: s.size,
      noBits,
      allocated,
      executable: !!s.flags.execinstr,
      writable: !!s.flags.write,
      data: noBits ? new Uint8Array(0) : bytes.subarray(s.off, s.off + s.size),
    };
  });

  const sectionNames = sections.map((s) => s.name);
  const symtabIndex = parsed.body.sections.findIndex((s) => s.type === 'symtab' || s.type === SHT_SYMTAB);
  let symbols: SymbolTable;
  if (symtabIndex >= 0) {
    const symtab = parsed.body.sections[symtabIndex];
    const strtab = parsed.body.sections[symtab.link];
    if (!strtab) throw new ElfError(`symbol table links to string table ${symtab.link}, which does not exist`);
    symbols = new SymbolTable(parseSymbols(sections[symtabIndex].data, sections[symtab.link].data, sectionNames));
  } else {
    symbols = new SymbolTable([]);
  }
  return { name, entry: header.entry, segments, sections, symbols };
}
