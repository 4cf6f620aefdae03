import { SVD_PERIPHERALS, SVD_REGISTER_SETS } from './stm32h750-svd.js';

/** One register of the STM32H750 SVD: offset within its peripheral, name (aliases joined by '/'), reset. */
export interface SvdRegister {
  readonly offset: number;
  readonly name: string;
  readonly reset: number;
}

/** One peripheral block of the SVD with its register layout. */
export interface SvdPeripheral {
  readonly name: string;
  readonly base: number;
  /** Address-block size from the SVD. */
  readonly size: number;
  /**
   * Size of the address window the block answers on the bus: the SVD block rounded up to the next
   * 1 KB boundary (RM0433 memory map chapter memory map: peripherals sit in 1 KB slots) or to the next block's base.
   */
  readonly span: number;
  readonly registers: readonly SvdRegister[];
}

let peripherals: SvdPeripheral[] | null = null;
let byName: Map<string, SvdPeripheral> | null = null;
const registerMaps = new Map<SvdPeripheral, Map<number, SvdRegister>>();

function parseSet(text: string): SvdRegister[] {
  if (text === '') return [];
  return text.split(',').map((row) => {
    const [offset, name, reset] = row.split(':');
    return { offset: parseInt(offset, 16), name, reset: parseInt(reset, 16) >>> 0 };
  });
}

function load(): SvdPeripheral[] {
  if (peripherals) return peripherals;
  const sets = SVD_REGISTER_SETS.map(parseSet);
  const rows = [...SVD_PERIPHERALS].sort((a, b) => a[1] - b[1]);
  peripherals = rows.map(([name, base, size, set], i) => {
    const next = i + 1 < rows.length ? rows[i + 1][1] : Infinity;
    const end = Math.min(Math.ceil((base + size) / 0x400) * 0x400, next);
    return { name, base, size, span: Math.max(end - base, size), registers: sets[set] };
  });
  byName = new Map(peripherals.map((p) => [p.name.toUpperCase(), p]));
  return peripherals;
}

/** All SVD peripherals, sorted by base address. */
export function svdPeripherals(): readonly SvdPeripheral[] {
  return load();
}

/** The SVD peripheral with this name (case-insensitive: 'Flash' and 'FLASH' both match). */
export function svdPeripheral(name: string): SvdPeripheral | undefined {
  load();
  return byName!.get(name.toUpperCase());
}

/** The SVD peripheral whose window contains `addr`, if any. */
export function svdPeripheralAt(addr: number): SvdPeripheral | undefined {
  const list = load();
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = list[mid];
    if (addr < p.base) hi = mid - 1;
    else if (addr >= p.base + p.span) lo = mid + 1;
    else return p;
  }
  return undefined;
}

/** The register at `offset` (word-aligned) in `peripheral`, if the SVD names one. */
export function svdRegisterAt(peripheral: SvdPeripheral, offset: number): SvdRegister | undefined {
  let map = registerMaps.get(peripheral);
  if (!map) {
    map = new Map(peripheral.registers.map((r) => [r.offset, r]));
    registerMaps.set(peripheral, map);
  }
  return map.get(offset);
}

/** "RCC.D3CCIPR" for a named register, "RCC+0x1f4" for an offset the SVD does not name. */
export function svdRegisterName(peripheralName: string, offset: number): string {
  const p = svdPeripheral(peripheralName);
  const r = p ? svdRegisterAt(p, offset & ~3) : undefined;
  return r ? `${p!.name}.${r.name}` : `${p ? p.name : peripheralName}+0x${offset.toString(16)}`;
}

/** Fills `into` (one entry per 32-bit word of the block) with the SVD reset values of `peripheralName`. */
export function svdResetValues(peripheralName: string, into: Uint32Array): void {
  const p = svdPeripheral(peripheralName);
  if (!p) return;
  for (const r of p.registers) {
    const index = r.offset >>> 2;
    if (index < into.length && (r.offset & 3) === 0) into[index] = r.reset;
  }
}
