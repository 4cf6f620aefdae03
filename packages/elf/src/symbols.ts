/** Symbols of an image, sorted by address for fast address-to-symbol lookup (profilers call it per sample). */

export type SymbolKind = 'function' | 'object' | 'other';

export interface ElfSymbol {
  name: string;
  /** Address; for Thumb functions the Thumb bit (bit 0) is cleared. */
  address: number;
  size: number;
  kind: SymbolKind;
  /** STB_LOCAL symbols are file-local (static). */
  local: boolean;
  /** Name of the section the symbol is defined in, '' if absolute/undefined. */
  section: string;
}

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STB_LOCAL = 0;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;

/** ARM ELF mapping symbols ($a, $t, $d, $t.123…) mark code/data boundaries, not program objects (IHI 0044, 5.5.5). */
function isMappingSymbol(name: string): boolean {
  return name.length >= 2 && name[0] === '$' && (name[1] === 'a' || name[1] === 't' || name[1] === 'd') && (name.length === 2 || name[2] === '.');
}

/** Parses an ELF32 little-endian SYMTAB section body against its string table. */
export function parseSymbols(symtab: Uint8Array, strtab: Uint8Array, sectionNames: readonly string[]): ElfSymbol[] {
  const view = new DataView(symtab.buffer, symtab.byteOffset, symtab.byteLength);
  const decoder = new TextDecoder();
  const symbols: ElfSymbol[] = [];
  for (let at = 16; at + 16 <= symtab.length; at += 16) {
    const nameOffset = view.getUint32(at, true);
    const value = view.getUint32(at + 4, true);
    const size = view.getUint32(at + 8, true);
    const info = symtab[at + 12];
    const shndx = view.getUint16(at + 14, true);
    if (shndx === SHN_UNDEF || nameOffset >= strtab.length) continue;
    let end = nameOffset;
    while (end < strtab.length && strtab[end] !== 0) end++;
    const name = decoder.decode(strtab.subarray(nameOffset, end));
    if (name === '' || isMappingSymbol(name)) continue;
    const type = info & 0xf;
    const kind: SymbolKind = type === STT_FUNC ? 'function' : type === STT_OBJECT ? 'object' : 'other';
    symbols.push({
      name,
      address: kind === 'function' ? (value & ~1) >>> 0 : value,
      size,
      kind,
      local: info >> 4 === STB_LOCAL,
      section: shndx < SHN_LORESERVE ? (sectionNames[shndx] ?? '') : '',
    });
  }
  return symbols;
}

/**
 * Address lookup over functions and objects with a size: the symbol whose [address, address+size)
 * contains the address. Sorted start addresses in a typed array and a binary search: O(log n), no allocation.
 */
export class SymbolTable {
  readonly all: readonly ElfSymbol[];
  private readonly sized: ElfSymbol[];
  private readonly starts: Float64Array;
  private readonly byName = new Map<string, ElfSymbol>();

  constructor(symbols: readonly ElfSymbol[]) {
    this.all = symbols;
    const ranked = (s: ElfSymbol) => (s.kind === 'other' ? 1 : 0) + (s.local ? 0.5 : 0);
    for (const s of symbols) {
      const old = this.byName.get(s.name);
      if (!old || ranked(s) < ranked(old)) this.byName.set(s.name, s);
    }
    // Keep one symbol per start address (prefer global functions/objects over locals and aliases).
    const candidates = symbols
      .filter((s) => s.size > 0 && s.kind !== 'other')
      .sort((a, b) => a.address - b.address || ranked(a) - ranked(b) || b.size - a.size);
    this.sized = [];
    for (const s of candidates) {
      const last = this.sized[this.sized.length - 1];
      if (last && last.address === s.address) continue;
      this.sized.push(s);
    }
    this.starts = Float64Array.from(this.sized, (s) => s.address);
  }

  /** The function or object containing `address`, or undefined. */
  lookup(address: number): ElfSymbol | undefined {
    address >>>= 0; // callers may pass the result of a bitwise operation, which is signed
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= address) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    // Walk back over enclosing symbols in case a small symbol sits inside a larger one's range.
    for (let i = found; i >= 0 && i > found - 4; i--) {
      const s = this.sized[i];
      if (address < s.address + s.size) return s;
    }
    return undefined;
  }

  /** The sized function or object starting at or below `address`, nearest first (whether or not it contains it). */
  below(address: number): ElfSymbol | undefined {
    address >>>= 0;
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= address) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 ? this.sized[found] : undefined;
  }

  /** `name+0x12` for an address inside a symbol, else the hex address. */
  describe(address: number): string {
    address >>>= 0;
    const s = this.lookup(address);
    if (!s) return `0x${(address >>> 0).toString(16).padStart(8, '0')}`;
    const offset = address - s.address;
    return offset === 0 ? s.name : `${s.name}+0x${offset.toString(16)}`;
  }

  get(name: string): ElfSymbol | undefined {
    return this.byName.get(name);
  }

  /** Functions and objects with a size, sorted by address. */
  get sizedSymbols(): readonly ElfSymbol[] {
    return this.sized;
  }
}
