import { ElfError } from './errors.js';

/** ELF constants used here (System V ABI, "ELF-32 Object File Format" and the ARM ELF supplement IHI 0044). */
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;
const ET_EXEC = 2;
const EM_ARM = 40;
const ELF32_HEADER_SIZE = 52;
const ELF32_PHDR_SIZE = 32;
const ELF32_SHDR_SIZE = 40;

const MACHINE_NAMES: Record<number, string> = {
  3: 'x86 (EM_386)',
  8: 'MIPS (EM_MIPS)',
  20: 'PowerPC (EM_PPC)',
  40: 'ARM (EM_ARM)',
  62: 'x86-64 (EM_X86_64)',
  183: 'AArch64 (EM_AARCH64)',
  243: 'RISC-V (EM_RISCV)',
};

const TYPE_NAMES: Record<number, string> = {
  0: 'no file type (ET_NONE)',
  1: 'a relocatable object (ET_REL)',
  2: 'an executable (ET_EXEC)',
  3: 'a shared object (ET_DYN)',
  4: 'a core file (ET_CORE)',
};

export interface ElfHeader {
  entry: number;
  flags: number;
  phoff: number;
  phnum: number;
  shoff: number;
  shnum: number;
  shstrndx: number;
}

function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

/**
 * Checks that `bytes` is a 32-bit little-endian ARM executable whose tables lie inside the file,
 * before any parser trusts an offset in it. Throws ElfError naming the first thing that is wrong.
 */
export function validateElf(bytes: Uint8Array): ElfHeader {
  if (bytes.length === 0) throw new ElfError('empty file: expected an ELF executable');
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file: the first four bytes are not 7f 45 4c 46 ("\\x7fELF")');
  }
  if (bytes.length < 16) throw new ElfError(`truncated ELF header: the file has ${bytes.length} bytes, the identification alone needs 16`);
  const elfClass = bytes[4];
  if (elfClass === ELFCLASS64) throw new ElfError('64-bit ELF (ELFCLASS64): the STM32H750 runs 32-bit ARM executables (ELFCLASS32)');
  if (elfClass !== ELFCLASS32) throw new ElfError(`unknown ELF class ${elfClass}: expected 1 (ELFCLASS32)`);
  const data = bytes[5];
  if (data === ELFDATA2MSB) throw new ElfError('big-endian ELF (ELFDATA2MSB): the Cortex-M7 firmware must be little-endian (ELFDATA2LSB)');
  if (data !== ELFDATA2LSB) throw new ElfError(`unknown ELF data encoding ${data}: expected 1 (little-endian)`);
  if (bytes.length < ELF32_HEADER_SIZE) {
    throw new ElfError(`truncated ELF header: the file has ${bytes.length} bytes, an ELF32 header needs ${ELF32_HEADER_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_ARM) {
    throw new ElfError(`wrong machine: ELF for ${MACHINE_NAMES[machine] ?? `machine ${machine}`}, expected ARM (EM_ARM = 40)`);
  }
  if (type !== ET_EXEC) {
    throw new ElfError(`not an executable: this ELF is ${TYPE_NAMES[type] ?? `type ${type}`}; link the firmware into an ET_EXEC image`);
  }
  const header: ElfHeader = {
    entry: view.getUint32(24, true),
    phoff: view.getUint32(28, true),
    shoff: view.getUint32(32, true),
    flags: view.getUint32(36, true),
    phnum: view.getUint16(44, true),
    shnum: view.getUint16(48, true),
    shstrndx: view.getUint16(50, true),
  };
  const phentsize = view.getUint16(42, true);
  const shentsize = view.getUint16(46, true);
  if (header.phnum > 0) {
    if (phentsize !== ELF32_PHDR_SIZE) throw new ElfError(`bad program header entry size ${phentsize}: ELF32 uses ${ELF32_PHDR_SIZE}`);
    const end = header.phoff + header.phnum * phentsize;
    if (end > bytes.length) {
      throw new ElfError(`truncated program header table: it ends at byte ${end} (${hex(end)}) but the file has ${bytes.length} bytes`);
    }
  }
  if (header.shnum === 0) throw new ElfError('no section header table: seedsim needs the sections and the symbol table (do not strip the ELF)');
  if (shentsize !== ELF32_SHDR_SIZE) throw new ElfError(`bad section header entry size ${shentsize}: ELF32 uses ${ELF32_SHDR_SIZE}`);
  const shEnd = header.shoff + header.shnum * shentsize;
  if (shEnd > bytes.length) {
    throw new ElfError(`truncated section header table: it ends at byte ${shEnd} (${hex(shEnd)}) but the file has ${bytes.length} bytes`);
  }
  if (header.shstrndx >= header.shnum) {
    throw new ElfError(`bad section name table index ${header.shstrndx}: there are only ${header.shnum} sections`);
  }
  const SHT_NOBITS = 8;
  for (let i = 0; i < header.shnum; i++) {
    const at = header.shoff + i * shentsize;
    const shType = view.getUint32(at + 4, true);
    const offset = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    if (shType !== SHT_NOBITS && shType !== 0 && offset + size > bytes.length) {
      throw new ElfError(`section ${i} lies past the end of the file: bytes ${offset}..${offset + size} of a ${bytes.length}-byte file`);
    }
  }
  for (let i = 0; i < header.phnum; i++) {
    const at = header.phoff + i * phentsize;
    const offset = view.getUint32(at + 4, true);
    const filesz = view.getUint32(at + 16, true);
    const memsz = view.getUint32(at + 20, true);
    if (offset + filesz > bytes.length) {
      throw new ElfError(`program header ${i} lies past the end of the file: bytes ${offset}..${offset + filesz} of a ${bytes.length}-byte file`);
    }
    if (filesz > memsz) throw new ElfError(`program header ${i} has a file size (${filesz}) larger than its memory size (${memsz})`);
  }
  return header;
}
