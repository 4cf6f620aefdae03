import type { ElfImage, Section } from './image.js';
import type { ElfSymbol } from './symbols.js';
import { ElfError } from './errors.js';

/** A linker MEMORY region (GNU ld "MEMORY" command): name, origin and length. */
export interface LinkerRegion {
  name: string;
  origin: number;
  length: number;
}

export interface RegionUsage {
  region: LinkerRegion;
  /** Bytes from the region origin to the end of the last section placed in it (run or load address). */
  used: number;
  /** Allocated sections with their run address (VMA) in the region. */
  sections: Section[];
  /** Sections whose stored bytes (LMA) sit in the region although they run elsewhere (.data's flash copy). */
  loadedSections: Section[];
  /** Sized functions and objects in the region, largest first. */
  largestSymbols: ElfSymbol[];
}

function contains(region: LinkerRegion, address: number): boolean {
  return address >= region.origin && address < region.origin + region.length;
}

/**
 * What ld's --print-memory-usage reports, recomputed from the ELF: ld prints, per region, the distance
 * from the origin to the region's location counter after the last section placed in it, counting both
 * sections that run there and sections whose load image is stored there (AT> region). From the ELF that
 * is the highest end of any allocated section by run address, or by load address for sections with file
 * contents, inside the region.
 */
export function computeMemoryUsage(image: ElfImage, regions: readonly LinkerRegion[], symbolsPerRegion = 5): RegionUsage[] {
  const allocated = image.sections.filter((s) => s.allocated && s.size > 0);
  return regions.map((region) => {
    let end = region.origin;
    const sections: Section[] = [];
    const loadedSections: Section[] = [];
    for (const s of allocated) {
      if (contains(region, s.address)) {
        sections.push(s);
        end = Math.max(end, s.address + s.size);
      }
      if (!s.noBits && s.loadAddress !== s.address && contains(region, s.loadAddress)) {
        loadedSections.push(s);
        end = Math.max(end, s.loadAddress + s.size);
      }
    }
    const largestSymbols = image.symbols.sizedSymbols
      .filter((sym) => contains(region, sym.address))
      .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name))
      .slice(0, symbolsPerRegion);
    return { region, used: end - region.origin, sections, loadedSections, largestSymbols };
  });
}

/** ld's size column: GB, MB or KB when the value is a whole multiple, else bytes (ld/ldlang.c, lang_print_memory_size). */
function formatSize(size: number): string {
  if (size % 2 ** 30 === 0) return `${String(size / 2 ** 30).padStart(10)} GB`;
  if (size % 2 ** 20 === 0) return `${String(size / 2 ** 20).padStart(10)} MB`;
  if (size % 2 ** 10 === 0) return `${String(size / 2 ** 10).padStart(10)} KB`;
  return ` ${String(size).padStart(10)} B`;
}

/** The memory-usage table exactly as GNU ld prints it with --print-memory-usage. */
export function formatLdMemoryUsage(usage: readonly RegionUsage[]): string {
  // The header as ld 2.40 prints it (binutils ld/ldlang.c, lang_print_memory_usage).
  const lines = ['Memory region         Used Size  Region Size  %age Used'];
  for (const u of usage) {
    let line = `${u.region.name.padStart(16)}: ${formatSize(u.used)}${formatSize(u.region.length)}`;
    if (u.region.length !== 0) line += `    ${((u.used * 100) / u.region.length).toFixed(2).padStart(6)}%`;
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/** Parses a number as ld writes it in MEMORY: 0x…, octal 0…, decimal, with K/M suffix. */
function parseLdNumber(text: string): number {
  const m = /^(0x[0-9a-f]+|[0-9]+)([km]?)$/i.exec(text.trim());
  if (!m) throw new ElfError(`cannot read the number "${text.trim()}" in the MEMORY block`);
  let value = m[1].toLowerCase().startsWith('0x') ? parseInt(m[1], 16) : m[1].length > 1 && m[1].startsWith('0') ? parseInt(m[1], 8) : parseInt(m[1], 10);
  const suffix = m[2].toUpperCase();
  if (suffix === 'K') value *= 1024;
  if (suffix === 'M') value *= 1024 * 1024;
  return value;
}

/**
 * Reads the regions of a GNU ld linker script's MEMORY command (plain ORIGIN/LENGTH numbers, K/M
 * suffixes, and the `ORIGIN(X) + LENGTH(X)` style expressions are not supported: give numbers) or a JSON
 * list of {name, origin, length}.
 */
export function parseRegions(text: string, fileName = 'regions'): LinkerRegion[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(trimmed);
    } catch (error) {
      throw new ElfError(`${fileName}: invalid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(list)) throw new ElfError(`${fileName}: expected a JSON array of {name, origin, length}`);
    return list.map((r, i) => {
      const entry = r as { name?: unknown; origin?: unknown; length?: unknown };
      if (typeof entry.name !== 'string') throw new ElfError(`${fileName}: region ${i} has no name`);
      const num = (v: unknown, what: string) => {
        if (typeof v === 'number') return v;
        if (typeof v === 'string') return parseLdNumber(v);
        throw new ElfError(`${fileName}: region ${entry.name} has no ${what}`);
      };
      return { name: entry.name, origin: num(entry.origin, 'origin'), length: num(entry.length, 'length') };
    });
  }
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const block = /\bMEMORY\s*\{([\s\S]*?)\}/.exec(withoutComments);
  if (!block) throw new ElfError(`${fileName}: no MEMORY { … } block and not a JSON region list`);
  const regions: LinkerRegion[] = [];
  const entry = /([A-Za-z_.][\w.]*)\s*(?:\([^)]*\))?\s*:\s*(?:ORIGIN|org|o)\s*=\s*([^,]+?)\s*,\s*(?:LENGTH|len|l)\s*=\s*([^\n;]+)/gi;
  let m: RegExpExecArray | null;
  while ((m = entry.exec(block[1])) !== null) {
    regions.push({ name: m[1], origin: parseLdNumber(m[2]), length: parseLdNumber(m[3]) });
  }
  if (regions.length === 0) throw new ElfError(`${fileName}: the MEMORY block lists no region`);
  return regions;
}
