/**
 * What-if placements (`seedsim bench --what-if SYMBOL=REGION`): a function or object priced as if the
 * linker had put it in another memory region, without rebuilding (DESIGN.md principle 5). The timing model
 * prices the symbol's bytes with the target region's latencies and memory attributes and reports them
 * under that region (MemorySystem.setPlacementOverrides); the firmware itself runs unchanged, so results,
 * rules and the symbol's real address (its cache sets, SDRAM banks) stay those of the build.
 */
import type { ElfImage } from '@seedsim/elf';
// The memory-usage module alone: the package's index brings elfy (the ELF parser), which needs Node.
import { computeMemoryUsage } from '@seedsim/elf/memory-usage';
import { REGION_NAMES, Region, regionOfAddress, type PlacementOverride } from '@seedsim/timing';
import type { AppTypeInfo } from './app-types.js';

/** One move: a symbol of the ELF and the region to price it in. */
export interface WhatIf {
  symbol: string;
  region: string;
}

/** A move that cannot be priced: the symbol or region is unknown, or the symbol has no size. */
export class WhatIfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhatIfError';
  }
}

/** The moves resolved against an image. */
export interface ResolvedWhatIf {
  overrides: PlacementOverride[];
  /** "reverb_lines → DTCM, delay_line → AXI SRAM", for reports. */
  description: string;
  /** Moves that would not fit the target region's free space, or that change nothing. */
  warnings: string[];
  /** Regions the moves would overfill ('DTCM'): the placement could not be linked as priced. */
  overfilled: string[];
}

/** Region names a user may write: the Daisy linker scripts' and the report's, in any case. */
const REGION_BY_NAME: Record<string, Region> = {
  ITCM: Region.Itcm,
  ITCMRAM: Region.Itcm,
  DTCM: Region.Dtcm,
  DTCMRAM: Region.Dtcm,
  SRAM: Region.AxiSram,
  AXI: Region.AxiSram,
  AXISRAM: Region.AxiSram,
  RAMD1: Region.AxiSram,
  D2: Region.D2Sram,
  D2SRAM: Region.D2Sram,
  RAMD2: Region.D2Sram,
  RAMD2DMA: Region.D2Sram,
  D3: Region.D3Sram,
  D3SRAM: Region.D3Sram,
  RAMD3: Region.D3Sram,
  FLASH: Region.Flash,
  SDRAM: Region.Sdram,
  QSPI: Region.Qspi,
  QSPIFLASH: Region.Qspi,
};

/** The Daisy linker region whose free space a move into each region takes (app-types.ts). */
const LINKER_REGION: Partial<Record<Region, string>> = {
  [Region.Itcm]: 'ITCMRAM',
  [Region.Dtcm]: 'DTCMRAM',
  [Region.AxiSram]: 'SRAM',
  [Region.D2Sram]: 'RAM_D2',
  [Region.D3Sram]: 'RAM_D3',
  [Region.Flash]: 'FLASH',
  [Region.Sdram]: 'SDRAM',
  [Region.Qspi]: 'QSPIFLASH',
};

export const WHAT_IF_REGIONS = 'ITCM, DTCM, SRAM (AXI SRAM), D2, D3, FLASH, SDRAM, QSPI';

/** Parses "SYMBOL=REGION[,SYMBOL=REGION…]". */
export function parseWhatIf(text: string): WhatIf[] {
  const moves: WhatIf[] = [];
  for (const item of text.split(',')) {
    const at = item.lastIndexOf('=');
    const symbol = at > 0 ? item.slice(0, at).trim() : '';
    const region = at > 0 ? item.slice(at + 1).trim() : '';
    if (symbol === '' || region === '') throw new WhatIfError(`expected SYMBOL=REGION, got "${item}"`);
    moves.push({ symbol, region });
  }
  return moves;
}

function regionNamed(name: string): Region {
  const region = REGION_BY_NAME[name.toUpperCase().replace(/[\s_-]/g, '')];
  if (region === undefined) throw new WhatIfError(`unknown region "${name}": expected one of ${WHAT_IF_REGIONS}`);
  return region;
}

/** Resolves the moves against the image's symbols and checks them against the regions' free space. */
export function resolveWhatIf(image: ElfImage, appType: AppTypeInfo, moves: readonly WhatIf[]): ResolvedWhatIf {
  const overrides: PlacementOverride[] = [];
  const warnings: string[] = [];
  const movedInto = new Map<Region, number>();
  const overfilled: string[] = [];
  const names: string[] = [];
  for (const move of moves) {
    const region = regionNamed(move.region);
    const symbol = image.symbols.get(move.symbol);
    if (symbol === undefined) {
      const near = image.symbols.sizedSymbols.filter((s) => s.name.includes(move.symbol)).slice(0, 3);
      const hint = near.length > 0 ? `; did you mean ${near.map((s) => s.name).join(', ')}?` : '';
      throw new WhatIfError(`no symbol "${move.symbol}" in ${image.name}${hint}`);
    }
    if (symbol.size === 0) throw new WhatIfError(`symbol "${move.symbol}" has no size in the ELF: its extent is unknown`);
    const start = symbol.address >>> 0; // a function's first byte: the symbol table clears the Thumb bit
    names.push(`${move.symbol} → ${REGION_NAMES[region]}`);
    if (regionOfAddress(start) === region) {
      warnings.push(`what-if: ${move.symbol} is already in ${REGION_NAMES[region]}: nothing to move`);
      continue;
    }
    overrides.push({ start, end: start + symbol.size, region });
    movedInto.set(region, (movedInto.get(region) ?? 0) + symbol.size);
  }
  const usage = computeMemoryUsage(image, appType.regions, 0);
  for (const [region, bytes] of movedInto) {
    const use = usage.find((u) => u.region.name === LINKER_REGION[region]);
    if (use === undefined) continue;
    const free = use.region.length - use.used;
    if (bytes > free) {
      warnings.push(`what-if: ${bytes} bytes moved to ${REGION_NAMES[region]} would not fit ${use.region.name}: ${Math.max(0, free)} bytes free of ${use.region.length}`);
      overfilled.push(REGION_NAMES[region]);
    }
  }
  return { overrides, description: names.join(', '), warnings, overfilled };
}
