import { computeMemoryUsage, formatLdMemoryUsage, parseRegions, ElfError, type LinkerRegion, type RegionUsage } from '@seedsim/elf';
import { detectAppType, type AppTypeInfo } from '@seedsim/daisy';
import { readElf, readInput } from '../files.js';
import { parseCommandArgs, parseIntegerOption } from '../options.js';
import { CliError, EXIT_OK } from '../exit-codes.js';

export const MAP_HELP = `Usage: seedsim map [options] app.elf

Memory usage per linker region, computed from the ELF in the layout GNU ld prints
with --print-memory-usage, the largest symbols in each region, and the Daisy app
type the image was linked for (BOOT_NONE flash, BOOT_SRAM, BOOT_QSPI).

Options:
  --regions FILE   region table of your own linker script: a .ld file with a
                   MEMORY block, or JSON [{"name","origin","length"}]
                   (default: the Daisy regions of the detected app type)
  --top N          largest symbols to list per region (default 5)
  --json           machine-readable output
  -h, --help       this help
`;

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

function symbolLines(usage: readonly RegionUsage[]): string[] {
  const lines: string[] = [];
  for (const u of usage) {
    if (u.largestSymbols.length === 0 && u.loadedSections.length === 0) continue;
    lines.push(`  ${u.region.name}`);
    for (const s of u.loadedSections) {
      lines.push(`    ${String(s.size).padStart(8)} B  load image of ${s.name} (runs at ${hex(s.address)})`);
    }
    for (const sym of u.largestSymbols) {
      lines.push(`    ${String(sym.size).padStart(8)} B  ${sym.kind === 'function' ? 'function' : 'object  '}  ${sym.name}  [${sym.section}]`);
    }
  }
  return lines;
}

function overflowLines(usage: readonly RegionUsage[]): string[] {
  return usage
    .filter((u) => u.used > u.region.length)
    .map((u) => `warning: region ${u.region.name} overflowed by ${u.used - u.region.length} bytes`);
}

export function runMap(args: string[], out: (text: string) => void): number {
  const { values, positionals } = parseCommandArgs('map', args, {
    regions: { type: 'string' },
    top: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    out(MAP_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new CliError(`seedsim map: expected one ELF file, got ${positionals.length}\nTry 'seedsim map --help'.`);
  const top = parseIntegerOption('top', values.top as string | undefined, 5);
  const image = readElf(positionals[0]);

  let appType: AppTypeInfo | undefined;
  let appTypeError: string | undefined;
  try {
    appType = detectAppType(image);
  } catch (error) {
    appTypeError = (error as Error).message;
  }
  let regions: LinkerRegion[];
  if (values.regions) {
    const file = values.regions as string;
    try {
      regions = parseRegions(new TextDecoder().decode(readInput(file, 'region table')), file);
    } catch (error) {
      if (error instanceof ElfError) throw new CliError(error.message);
      throw error;
    }
  } else if (appType) {
    regions = appType.regions;
  } else {
    throw new CliError(`${appTypeError}; pass --regions FILE with your linker script's MEMORY block`);
  }

  const usage = computeMemoryUsage(image, regions, top);
  if (values.json) {
    out(
      JSON.stringify(
        {
          file: image.name,
          appType: appType?.appType ?? null,
          regions: usage.map((u) => ({
            name: u.region.name,
            origin: u.region.origin,
            length: u.region.length,
            used: u.used,
            percentUsed: u.region.length ? Number(((u.used * 100) / u.region.length).toFixed(2)) : null,
            sections: u.sections.map((s) => ({ name: s.name, address: s.address, size: s.size, noBits: s.noBits })),
            loadImages: u.loadedSections.map((s) => ({ name: s.name, loadAddress: s.loadAddress, runAddress: s.address, size: s.size })),
            largestSymbols: u.largestSymbols.map((s) => ({ name: s.name, address: s.address, size: s.size, kind: s.kind, section: s.section })),
          })),
        },
        null,
        2,
      ) + '\n',
    );
    return EXIT_OK;
  }
  const lines = [
    `${image.name}: ${appType ? `${appType.appType} (${appType.description})` : `app type unknown: ${appTypeError}`}`,
    formatLdMemoryUsage(usage).trimEnd(),
    ...overflowLines(usage),
  ];
  const symbols = symbolLines(usage);
  if (symbols.length > 0) lines.push('', `Largest symbols per region (top ${top}):`, ...symbols);
  out(lines.join('\n') + '\n');
  return EXIT_OK;
}
