import { BusError, type AccessSize, type Bus, type MmioDevice, type SocContext } from '@seedsim/core';
import type { MemoryDevice } from './memory-device.js';
import { svdPeripheralAt } from './svd/svd-lookup.js';
import { UnmodelledPeripheral } from './unmodelled.js';

export type { MemoryDevice } from './memory-device.js';

/** ARMv7-M memory types (ARMv7-M ARM A3.5). */
export type MemoryType = 'normal' | 'device' | 'strongly-ordered';

/**
 * Answers the memory type at an address: the MPU's lookup when enabled, else the default map. The bus
 * asks only for unaligned accesses, so it costs nothing on the aligned fast path.
 */
export type MemoryTypeProvider = (addr: number, isWrite: boolean) => MemoryType;

/** The ARMv7-M default memory map types (ARMv7-M ARM B3.1, Table B3-1; hw-facts §2.2). */
export function defaultMemoryType(addr: number): MemoryType {
  const a = addr >>> 0;
  if (a < 0x40000000) return 'normal'; // Code, SRAM
  if (a < 0x60000000) return 'device'; // Peripheral
  if (a < 0xa0000000) return 'normal'; // External RAM
  if (a < 0xe0000000) return 'device'; // External device (FMC SDRAM at 0xC000_0000 unless remapped by MPU)
  return a < 0xe0100000 ? 'strongly-ordered' : 'device'; // PPB, then vendor system region
}

/** Observes accesses in a watched address range (rules such as stack-below-region, decode-cache invalidation). */
export interface AccessObserver {
  onRead?(addr: number, size: AccessSize, value: number): void;
  onWrite?(addr: number, size: AccessSize, value: number): void;
}

/** One on-chip RAM or flash array of the STM32H750 (AN4891 Table 6, hw-facts §3.3). */
export interface RamRegionSpec {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** False for the internal flash: CPU stores go through the flash-write rule instead. */
  readonly writable: boolean;
}

export const STM32H750_RAM_REGIONS: readonly RamRegionSpec[] = [
  { name: 'ITCM', base: 0x00000000, size: 64 * 1024, writable: true },
  { name: 'FLASH', base: 0x08000000, size: 128 * 1024, writable: false },
  { name: 'DTCM', base: 0x20000000, size: 128 * 1024, writable: true },
  { name: 'AXI_SRAM', base: 0x24000000, size: 512 * 1024, writable: true },
  { name: 'SRAM1', base: 0x30000000, size: 128 * 1024, writable: true },
  { name: 'SRAM2', base: 0x30020000, size: 128 * 1024, writable: true },
  { name: 'SRAM3', base: 0x30040000, size: 32 * 1024, writable: true },
  { name: 'SRAM4', base: 0x38000000, size: 64 * 1024, writable: true },
  { name: 'BACKUP_SRAM', base: 0x38800000, size: 4 * 1024, writable: true },
];

const PERIPH_BASE = 0x40000000;
const PERIPH_END = 0x60000000;
const PPB_BASE = 0xe0000000;
const PPB_END = 0xe0100000;
const PAGE_SHIFT = 16;
const PAGE_COUNT = 1 << (32 - PAGE_SHIFT);
const PAGE_MASK = (1 << PAGE_SHIFT) - 1;
/** Peripheral dispatch granule: 1 KB, the slot size of RM0433's peripheral map. */
const GRANULE_SHIFT = 10;
const GRANULES_PER_PAGE = 1 << (PAGE_SHIFT - GRANULE_SHIFT);

if (new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] !== 0x04) {
  throw new Error('SystemBus needs a little-endian host: its typed-array fast path reads words in host order');
}

class RamRegion {
  readonly end: number;
  readonly bytes: Uint8Array;
  readonly halves: Uint16Array;
  readonly words: Uint32Array;

  constructor(
    readonly name: string,
    readonly base: number,
    readonly size: number,
    readonly writable: boolean,
    backing?: Uint8Array,
  ) {
    this.end = base + size;
    this.bytes = backing ?? new Uint8Array(size);
    if (this.bytes.byteOffset % 4 !== 0) throw new Error(`${name}: backing array must be 4-byte aligned`);
    this.halves = new Uint16Array(this.bytes.buffer, this.bytes.byteOffset, size >>> 1);
    this.words = new Uint32Array(this.bytes.buffer, this.bytes.byteOffset, size >>> 2);
  }

  contains(addr: number, size: number): boolean {
    return addr >= this.base && addr + size <= this.end;
  }

  read(addr: number, size: AccessSize): number {
    const o = addr - this.base;
    const b = this.bytes;
    if (size === 1) return b[o];
    if (size === 2) return b[o] | (b[o + 1] << 8);
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  }

  write(addr: number, value: number, size: AccessSize): void {
    const o = addr - this.base;
    const b = this.bytes;
    b[o] = value;
    if (size === 1) return;
    b[o + 1] = value >>> 8;
    if (size === 2) return;
    b[o + 2] = value >>> 16;
    b[o + 3] = value >>> 24;
  }
}

interface MappedMemory {
  readonly base: number;
  readonly size: number;
  readonly device: MemoryDevice;
  /** Set while the device hands out its backing array for the fast path. */
  fast: RamRegion | null;
}

interface Watch {
  readonly lo: number;
  readonly hi: number;
  readonly observer: AccessObserver;
}

type GranuleEntry = MmioDevice | MmioDevice[] | undefined;

/** A MemoryDevice that may hand its backing bytes to the bus for the fast path (e.g. SDRAM once initialised). */
export interface FastMemoryDevice extends MemoryDevice {
  /** The bytes behind [base, base + size), or null while accesses must reach the device. */
  fastBacking(): Uint8Array | null;
}

/** An MmioDevice may offer a side-effect-free read for debuggers. */
interface PeekableDevice {
  peek(offset: number, size: AccessSize): number;
}

export interface SystemBusOptions {
  /** Override the on-chip memory table (what-if placement experiments). */
  readonly regions?: readonly RamRegionSpec[];
  /** Create UnmodelledPeripheral devices for SVD blocks with no model (default true). */
  readonly autoUnmodelled?: boolean;
}

/**
 * The STM32H750 system bus as the Cortex-M7 sees it: on-chip RAM and flash, the peripheral space
 * 0x4000_0000–0x5FFF_FFFF, the QSPI and FMC windows as pluggable memory devices, and the PPB.
 *
 * Fast path: a 64 KB page table. A page fully covered by RAM holds typed-array views of its region, so
 * an aligned RAM access is a page lookup plus one typed-array read. Everything else (peripherals,
 * memory devices, partial pages, flash writes, watched pages, unaligned accesses) takes the slow path.
 * Word access uses Uint32Array views (bench/bus.bench.ts; a DataView variant measured within noise of it
 * on the shared 2-core machine, so the simpler typed-array form stays). Hosts must be little-endian.
 */
export class SystemBus implements Bus {
  private readonly rdB: (Uint8Array | null)[] = new Array(PAGE_COUNT).fill(null);
  private readonly rdH: (Uint16Array | null)[] = new Array(PAGE_COUNT).fill(null);
  private readonly rdW: (Uint32Array | null)[] = new Array(PAGE_COUNT).fill(null);
  private readonly wrB: (Uint8Array | null)[] = new Array(PAGE_COUNT).fill(null);
  private readonly wrH: (Uint16Array | null)[] = new Array(PAGE_COUNT).fill(null);
  private readonly wrW: (Uint32Array | null)[] = new Array(PAGE_COUNT).fill(null);
  private readonly fxH: (Uint16Array | null)[] = new Array(PAGE_COUNT).fill(null);
  /** Byte offset of each page's first byte inside its region array. */
  private readonly pageBase = new Int32Array(PAGE_COUNT);
  private readonly pageRegion: (RamRegion | null)[] = new Array(PAGE_COUNT).fill(null);
  private readonly pageMemory: (MappedMemory | null)[] = new Array(PAGE_COUNT).fill(null);
  private readonly readWatches = new Uint16Array(PAGE_COUNT);
  private readonly writeWatches = new Uint16Array(PAGE_COUNT);
  private readonly mmioPages: (GranuleEntry[] | null)[] = new Array((PERIPH_END - PERIPH_BASE) >>> PAGE_SHIFT).fill(null);
  private readonly ppbDevices: MmioDevice[] = [];
  private readonly autoDevices = new Set<MmioDevice>();
  private readonly memories: MappedMemory[] = [];
  private readonly watches: Watch[] = [];
  private readonly regionList: RamRegion[] = [];
  private readonly autoUnmodelled: boolean;
  private memoryType: MemoryTypeProvider = defaultMemoryType;

  constructor(
    private readonly context: SocContext,
    options: SystemBusOptions = {},
  ) {
    this.autoUnmodelled = options.autoUnmodelled ?? true;
    for (const spec of options.regions ?? STM32H750_RAM_REGIONS) this.addRegion(spec);
  }

  /** The on-chip memories, in table order. */
  get regions(): readonly { name: string; base: number; size: number; bytes: Uint8Array }[] {
    return this.regionList;
  }

  /** Injects the MPU's answer for memory types (consulted on unaligned accesses only). */
  setMemoryTypeProvider(provider: MemoryTypeProvider): void {
    this.memoryType = provider;
  }

  // ---------------------------------------------------------------- hot path

  read8(addr: number): number {
    const p = addr >>> PAGE_SHIFT;
    const b = this.rdB[p];
    if (b !== null) return b[this.pageBase[p] + (addr & PAGE_MASK)];
    return this.slowRead(addr >>> 0, 1);
  }

  read16(addr: number): number {
    const p = addr >>> PAGE_SHIFT;
    const h = this.rdH[p];
    if (h !== null && (addr & 1) === 0) return h[(this.pageBase[p] + (addr & PAGE_MASK)) >>> 1];
    return this.slowRead(addr >>> 0, 2);
  }

  read32(addr: number): number {
    const p = addr >>> PAGE_SHIFT;
    const w = this.rdW[p];
    if (w !== null && (addr & 3) === 0) return w[(this.pageBase[p] + (addr & PAGE_MASK)) >>> 2];
    return this.slowRead(addr >>> 0, 4);
  }

  write8(addr: number, value: number): void {
    const p = addr >>> PAGE_SHIFT;
    const b = this.wrB[p];
    if (b !== null) b[this.pageBase[p] + (addr & PAGE_MASK)] = value;
    else this.slowWrite(addr >>> 0, value & 0xff, 1);
  }

  write16(addr: number, value: number): void {
    const p = addr >>> PAGE_SHIFT;
    const h = this.wrH[p];
    if (h !== null && (addr & 1) === 0) h[(this.pageBase[p] + (addr & PAGE_MASK)) >>> 1] = value;
    else this.slowWrite(addr >>> 0, value & 0xffff, 2);
  }

  write32(addr: number, value: number): void {
    const p = addr >>> PAGE_SHIFT;
    const w = this.wrW[p];
    if (w !== null && (addr & 3) === 0) w[(this.pageBase[p] + (addr & PAGE_MASK)) >>> 2] = value;
    else this.slowWrite(addr >>> 0, value >>> 0, 4);
  }

  fetch16(addr: number): number {
    const p = addr >>> PAGE_SHIFT;
    const h = this.fxH[p];
    if (h !== null && (addr & 1) === 0) return h[(this.pageBase[p] + (addr & PAGE_MASK)) >>> 1];
    return this.slowFetch(addr >>> 0);
  }

  // ---------------------------------------------------------------- slow path

  /**
   * Accesses that reached a device or a memory window with behaviour (Bus.deviceAccesses), except reads
   * the device declares event-stable (MmioDevice.eventStableRead).
   */
  deviceAccesses = 0;

  private slowRead(addr: number, size: AccessSize): number {
    if ((addr & (size - 1)) !== 0) this.checkUnaligned(addr, size, false);
    const p = addr >>> PAGE_SHIFT;
    let value: number;
    const region = this.pageRegion[p];
    const memory = this.pageMemory[p];
    if (region !== null) {
      if (region.contains(addr, size)) value = region.read(addr, size);
      else if (size > 1 && region.contains(addr, 1)) value = this.readAcross(addr, size);
      else throw this.unmappedError(addr, false, region);
    } else if (memory !== null) {
      if (addr + size > memory.base + memory.size) throw new BusError(addr, false, `access runs past the end of ${memory.device.name}`);
      if (memory.fast !== null) value = memory.fast.read(addr, size);
      else {
        if (memory.device.eventStableReads !== true) this.deviceAccesses++;
        value = memory.device.read(addr, size) >>> 0;
      }
    } else {
      const device = this.mmioDevice(addr, false);
      const offset = addr - device.base;
      // An event-stable read (MmioDevice.eventStableRead) cannot tell one loop turn from the next.
      if (!device.eventStableRead(offset)) this.deviceAccesses++;
      value = device.read(offset, size) >>> 0;
    }
    if (this.readWatches[p] !== 0) this.notify(addr, size, value, false);
    return value;
  }

  private slowWrite(addr: number, value: number, size: AccessSize): void {
    if ((addr & (size - 1)) !== 0) this.checkUnaligned(addr, size, true);
    const p = addr >>> PAGE_SHIFT;
    const region = this.pageRegion[p];
    const memory = this.pageMemory[p];
    if (region !== null) {
      if (region.contains(addr, size)) {
        if (region.writable) region.write(addr, value, size);
        else this.flashWrite(addr, value, size);
      } else if (size > 1 && region.contains(addr, 1)) this.writeAcross(addr, value, size);
      else throw this.unmappedError(addr, true, region);
    } else if (memory !== null) {
      if (addr + size > memory.base + memory.size) throw new BusError(addr, true, `access runs past the end of ${memory.device.name}`);
      if (memory.fast !== null) memory.fast.write(addr, value, size);
      else {
        this.deviceAccesses++;
        memory.device.write(addr, value, size);
      }
    } else {
      this.deviceAccesses++;
      const device = this.mmioDevice(addr, true);
      device.write(addr - device.base, value, size);
    }
    if (this.writeWatches[p] !== 0) this.notify(addr, size, value, true);
  }

  private slowFetch(addr: number): number {
    if ((addr & 1) !== 0) throw new BusError(addr, false, 'instruction fetch from an odd address');
    const p = addr >>> PAGE_SHIFT;
    const region = this.pageRegion[p];
    if (region !== null) {
      if (!region.contains(addr, 2)) throw this.unmappedError(addr, false, region);
      return region.read(addr, 2);
    }
    const memory = this.pageMemory[p];
    if (memory !== null) return memory.fast !== null ? memory.fast.read(addr, 2) : memory.device.read(addr, 2) & 0xffff;
    throw new BusError(addr, false, 'instruction fetch from an address with no executable memory');
  }

  /** An unaligned access that runs from one memory into the next (SRAM1 into SRAM2): byte by byte. */
  private readAcross(addr: number, size: AccessSize): number {
    let value = 0;
    for (let i = 0; i < size; i++) value |= this.regionByte(addr + i, false).read(addr + i, 1) << (8 * i);
    return value >>> 0;
  }

  private writeAcross(addr: number, value: number, size: AccessSize): void {
    for (let i = 0; i < size; i++) {
      const region = this.regionByte(addr + i, true);
      if (region.writable) region.write(addr + i, value >>> (8 * i), 1);
      else this.flashWrite(addr + i, (value >>> (8 * i)) & 0xff, 1);
    }
  }

  /** The on-chip memory holding byte `addr`, or a BusError (observers are notified by the caller). */
  private regionByte(addr: number, isWrite: boolean): RamRegion {
    const region = this.pageRegion[addr >>> PAGE_SHIFT];
    if (region === null || !region.contains(addr, 1)) throw new BusError(addr, isWrite, 'unaligned access runs into unmapped memory');
    return region;
  }

  /**
   * ARMv7-M ARM A3.2.1: unaligned LDR/STR/LDRH/STRH are supported only for Normal memory; to Device or
   * Strongly-ordered memory they are UNPREDICTABLE. The Cortex-M7 raises an UNALIGNED UsageFault for
   * them (seen on STM32H7/i.MX RT silicon: memcpy from a Device-typed region faults), so we do too,
   * after reporting the rule.
   */
  private checkUnaligned(addr: number, size: AccessSize, isWrite: boolean): void {
    const type = this.memoryType(addr, isWrite);
    if (type === 'normal') return;
    this.context.rule(
      'unaligned-device-access',
      addr,
      isWrite,
      `unaligned ${size}-byte ${isWrite ? 'store' : 'load'} to ${type} memory: UNPREDICTABLE (ARMv7-M ARM A3.2.1), UsageFault UNALIGNED on Cortex-M7`,
    );
    throw new BusError(addr, isWrite, `unaligned ${size}-byte access to ${type} memory`, 'unaligned');
  }

  /**
   * CPU store to the internal flash. RM0433 FLASH chapter: programming needs the bank unlocked (FLASH_KEYR1) and
   * CR1.PG1 set; otherwise the controller flags a write-protection/programming-sequence error and the
   * array is not changed. Flash programming is not modelled: report the rule and drop the store.
   */
  private flashWrite(addr: number, value: number, size: AccessSize): void {
    this.context.rule('flash-write', addr, true, `${size}-byte store of 0x${value.toString(16)} to internal flash: not programmed (RM0433 FLASH chapter, flash programming is not modelled)`);
  }

  private unmappedError(addr: number, isWrite: boolean, region: RamRegion): BusError {
    return new BusError(addr, isWrite, `outside ${region.name} (0x${region.base.toString(16)}–0x${(region.end - 1).toString(16)})`);
  }

  private notify(addr: number, size: AccessSize, value: number, isWrite: boolean): void {
    for (const w of this.watches) {
      if (addr + size <= w.lo || addr >= w.hi) continue;
      if (isWrite) w.observer.onWrite?.(addr, size, value);
      else w.observer.onRead?.(addr, size, value);
    }
  }

  // ---------------------------------------------------------------- peripherals

  private mmioDevice(addr: number, isWrite: boolean): MmioDevice {
    const device = this.findDevice(addr) ?? this.autoDevice(addr);
    if (device === undefined) throw new BusError(addr, isWrite, 'no peripheral at this address');
    return device;
  }

  private findDevice(addr: number): MmioDevice | undefined {
    if (addr >= PERIPH_BASE && addr < PERIPH_END) {
      const page = this.mmioPages[(addr - PERIPH_BASE) >>> PAGE_SHIFT];
      if (page === null) return undefined;
      const entry = page[(addr >>> GRANULE_SHIFT) & (GRANULES_PER_PAGE - 1)];
      if (entry === undefined) return undefined;
      if (!Array.isArray(entry)) return addr >= entry.base && addr < entry.base + entry.size ? entry : undefined;
      for (const d of entry) if (addr >= d.base && addr < d.base + d.size) return d;
      return undefined;
    }
    if (addr >= PPB_BASE && addr < PPB_END) {
      for (const d of this.ppbDevices) if (addr >= d.base && addr < d.base + d.size) return d;
    }
    return undefined;
  }

  private autoDevice(addr: number): MmioDevice | undefined {
    if (!this.autoUnmodelled) return undefined;
    const p = svdPeripheralAt(addr);
    if (p === undefined) return undefined;
    // Only where no model answers any part of the SVD block (a partial model owns the block).
    if (this.devicesOverlapping(p.base, p.base + p.span).length > 0) return undefined;
    const device = new UnmodelledPeripheral(p.name, p.base, p.span, this.context);
    this.mapDevice(device);
    this.autoDevices.add(device);
    return device;
  }

  /**
   * Maps a peripheral (0x4000_0000–0x5FFF_FFFF) or a PPB device (0xE000_0000–0xE00F_FFFF). A device
   * overlapping an automatically created UnmodelledPeripheral replaces it; any other overlap is an error.
   */
  mapDevice(device: MmioDevice): void {
    const lo = device.base >>> 0;
    const hi = lo + device.size;
    const inPeriph = lo >= PERIPH_BASE && hi <= PERIPH_END;
    const inPpb = lo >= PPB_BASE && hi <= PPB_END;
    if (!inPeriph && !inPpb) throw new Error(`${device.name}: 0x${lo.toString(16)}+0x${device.size.toString(16)} is neither in the peripheral space nor in the PPB`);
    if (device.size <= 0) throw new Error(`${device.name}: size must be positive`);
    for (const other of this.devicesOverlapping(lo, hi)) {
      if (this.autoDevices.has(other)) this.unmapDevice(other);
      else throw new Error(`${device.name} (0x${lo.toString(16)}) overlaps ${other.name} (0x${other.base.toString(16)})`);
    }
    if (inPpb) {
      this.ppbDevices.push(device);
      return;
    }
    for (let g = lo >>> GRANULE_SHIFT; g <= (hi - 1) >>> GRANULE_SHIFT; g++) {
      const pageIndex = ((g << GRANULE_SHIFT) - PERIPH_BASE) >>> PAGE_SHIFT;
      let page = this.mmioPages[pageIndex];
      if (page === null) page = this.mmioPages[pageIndex] = new Array<GranuleEntry>(GRANULES_PER_PAGE).fill(undefined);
      const slot = g & (GRANULES_PER_PAGE - 1);
      const existing = page[slot];
      if (existing === undefined) page[slot] = device;
      else if (Array.isArray(existing)) existing.push(device);
      else page[slot] = [existing, device];
    }
  }

  /** Removes a mapped peripheral. */
  unmapDevice(device: MmioDevice): void {
    this.autoDevices.delete(device);
    const i = this.ppbDevices.indexOf(device);
    if (i >= 0) {
      this.ppbDevices.splice(i, 1);
      return;
    }
    const lo = device.base >>> 0;
    const hi = lo + device.size;
    if (lo < PERIPH_BASE || hi > PERIPH_END) return;
    for (let g = lo >>> GRANULE_SHIFT; g <= (hi - 1) >>> GRANULE_SHIFT; g++) {
      const page = this.mmioPages[((g << GRANULE_SHIFT) - PERIPH_BASE) >>> PAGE_SHIFT];
      if (page === null) continue;
      const slot = g & (GRANULES_PER_PAGE - 1);
      const existing = page[slot];
      if (existing === device) page[slot] = undefined;
      else if (Array.isArray(existing)) {
        const rest = existing.filter((d) => d !== device);
        page[slot] = rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
      }
    }
  }

  private devicesOverlapping(lo: number, hi: number): MmioDevice[] {
    const found = new Set<MmioDevice>();
    const overlaps = (d: MmioDevice) => d.base < hi && d.base + d.size > lo;
    for (const d of this.ppbDevices) if (overlaps(d)) found.add(d);
    if (lo >= PERIPH_BASE && hi <= PERIPH_END) {
      for (let g = lo >>> GRANULE_SHIFT; g <= (hi - 1) >>> GRANULE_SHIFT; g++) {
        const page = this.mmioPages[((g << GRANULE_SHIFT) - PERIPH_BASE) >>> PAGE_SHIFT];
        const entry = page?.[g & (GRANULES_PER_PAGE - 1)];
        for (const d of entry === undefined ? [] : Array.isArray(entry) ? entry : [entry]) if (overlaps(d)) found.add(d);
      }
    }
    return [...found];
  }

  /** The peripheral that answers `addr`, if one is mapped (no automatic creation). */
  deviceAt(addr: number): MmioDevice | undefined {
    return this.findDevice(addr >>> 0);
  }

  // ---------------------------------------------------------------- memories

  private addRegion(spec: RamRegionSpec, backing?: Uint8Array): RamRegion {
    const region = new RamRegion(spec.name, spec.base >>> 0, spec.size, spec.writable, backing);
    if (spec.size <= 0 || spec.size % 4 !== 0) throw new Error(`${spec.name}: size must be a positive multiple of 4`);
    for (let p = region.base >>> PAGE_SHIFT; p <= (region.end - 1) >>> PAGE_SHIFT; p++) {
      if (this.pageRegion[p] !== null || this.pageMemory[p] !== null) throw new Error(`${spec.name} overlaps another memory in page 0x${p.toString(16)}`);
    }
    if (!backing) this.regionList.push(region);
    for (let p = region.base >>> PAGE_SHIFT; p <= (region.end - 1) >>> PAGE_SHIFT; p++) {
      this.pageRegion[p] = region;
      this.refreshPage(p);
    }
    return region;
  }

  /**
   * Maps a memory device (QSPI window, FMC SDRAM) over [base, base + size); both must be 64 KB aligned.
   * A device implementing {@link FastMemoryDevice} can hand its backing array to the fast path: call
   * {@link refreshMemory} whenever the answer of fastBacking() changes.
   */
  mapMemory(base: number, size: number, device: MemoryDevice): void {
    base >>>= 0;
    if ((base & PAGE_MASK) !== 0 || (size & PAGE_MASK) !== 0 || size <= 0) throw new Error(`${device.name}: memory windows must be 64 KB aligned`);
    const first = base >>> PAGE_SHIFT;
    const last = (base + size - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      if (this.pageRegion[p] !== null || this.pageMemory[p] !== null) throw new Error(`${device.name} overlaps another memory at 0x${(p << PAGE_SHIFT >>> 0).toString(16)}`);
      if (p << PAGE_SHIFT >>> 0 >= PERIPH_BASE && p << PAGE_SHIFT >>> 0 < PERIPH_END) throw new Error(`${device.name}: memory windows cannot sit in the peripheral space`);
    }
    const mapped: MappedMemory = { base, size, device, fast: null };
    this.memories.push(mapped);
    for (let p = first; p <= last; p++) this.pageMemory[p] = mapped;
    this.refreshMemory(device);
  }

  /** Re-reads a memory device's fastBacking() and updates its pages. */
  refreshMemory(device: MemoryDevice): void {
    const mapped = this.memories.find((m) => m.device === device);
    if (!mapped) throw new Error(`${device.name} is not mapped`);
    const fastDevice = device as Partial<FastMemoryDevice>;
    const bytes = typeof fastDevice.fastBacking === 'function' ? fastDevice.fastBacking() : null;
    if (bytes !== null && bytes.length < mapped.size) throw new Error(`${device.name}: fast backing is smaller than its window`);
    mapped.fast = bytes === null ? null : new RamRegion(device.name, mapped.base, mapped.size, true, bytes.subarray(0, mapped.size));
    for (let p = mapped.base >>> PAGE_SHIFT; p <= (mapped.base + mapped.size - 1) >>> PAGE_SHIFT; p++) this.refreshPage(p);
  }

  private refreshPage(p: number): void {
    const region = this.pageRegion[p] ?? this.pageMemory[p]?.fast ?? null;
    const start = (p << PAGE_SHIFT) >>> 0;
    const whole = region !== null && region.base <= start && region.end >= start + PAGE_MASK + 1;
    const canRead = whole && this.readWatches[p] === 0;
    const canWrite = whole && region.writable && this.writeWatches[p] === 0;
    this.pageBase[p] = whole ? start - region.base : 0;
    this.rdB[p] = canRead ? region.bytes : null;
    this.rdH[p] = canRead ? region.halves : null;
    this.rdW[p] = canRead ? region.words : null;
    this.wrB[p] = canWrite ? region.bytes : null;
    this.wrH[p] = canWrite ? region.halves : null;
    this.wrW[p] = canWrite ? region.words : null;
    this.fxH[p] = whole ? region.halves : null;
  }

  /**
   * Watches [base, base + size): the observer sees every CPU read and/or write there (pages with a
   * watcher leave the fast path; all others are unaffected). Returns a function that removes the watch.
   */
  observe(base: number, size: number, observer: AccessObserver): () => void {
    const watch: Watch = { lo: base >>> 0, hi: (base >>> 0) + size, observer };
    this.watches.push(watch);
    const pages = (delta: number) => {
      for (let p = watch.lo >>> PAGE_SHIFT; p <= (watch.hi - 1) >>> PAGE_SHIFT; p++) {
        if (observer.onRead) this.readWatches[p] += delta;
        if (observer.onWrite) this.writeWatches[p] += delta;
        this.refreshPage(p);
      }
    };
    pages(1);
    return () => {
      const i = this.watches.indexOf(watch);
      if (i < 0) return;
      this.watches.splice(i, 1);
      pages(-1);
    };
  }

  // ---------------------------------------------------------------- loaders and debuggers

  /** Writes an image into RAM, flash or a memory device's backing store, with no side effects or rules. */
  loadImage(addr: number, bytes: Uint8Array): void {
    let a = addr >>> 0;
    let offset = 0;
    while (offset < bytes.length) {
      const p = a >>> PAGE_SHIFT;
      const region = this.pageRegion[p];
      const memory = this.pageMemory[p];
      if (region !== null && region.contains(a, 1)) {
        const n = Math.min(bytes.length - offset, region.end - a);
        region.bytes.set(bytes.subarray(offset, offset + n), a - region.base);
        a += n;
        offset += n;
      } else if (memory !== null) {
        const n = Math.min(bytes.length - offset, memory.base + memory.size - a);
        const chunk = bytes.subarray(offset, offset + n);
        if (memory.device.loadImage) memory.device.loadImage(a, chunk);
        else if (memory.fast !== null) memory.fast.bytes.set(chunk, a - memory.base);
        else throw new Error(`loadImage: ${memory.device.name} cannot be loaded`);
        a += n;
        offset += n;
      } else {
        throw new Error(`loadImage: no memory at 0x${a.toString(16)} (${bytes.length - offset} bytes left of an image at 0x${(addr >>> 0).toString(16)})`);
      }
    }
  }

  /** Debugger read: no side effects, no rules, no observers. Throws BusError where nothing is mapped. */
  peek(addr: number, size: AccessSize): number {
    addr >>>= 0;
    const p = addr >>> PAGE_SHIFT;
    const region = this.pageRegion[p];
    if (region !== null) {
      if (!region.contains(addr, size)) throw this.unmappedError(addr, false, region);
      return region.read(addr, size);
    }
    const memory = this.pageMemory[p];
    if (memory !== null) {
      if (memory.fast !== null) return memory.fast.read(addr, size);
      if (memory.device.peek) return memory.device.peek(addr, size) >>> 0;
      throw new BusError(addr, false, `${memory.device.name} cannot be peeked`);
    }
    const device = this.findDevice(addr);
    if (device === undefined) throw new BusError(addr, false, 'nothing mapped here');
    const peekable = device as Partial<PeekableDevice> & MmioDevice;
    return (typeof peekable.peek === 'function' ? peekable.peek(addr - device.base, size) : device.read(addr - device.base, size)) >>> 0;
  }

  /** Debugger write into memory (RAM, flash, memory devices): no side effects, no rules, no observers. */
  poke(addr: number, value: number, size: AccessSize): void {
    addr >>>= 0;
    const p = addr >>> PAGE_SHIFT;
    const region = this.pageRegion[p];
    if (region !== null) {
      if (!region.contains(addr, size)) throw this.unmappedError(addr, true, region);
      region.write(addr, value, size);
      return;
    }
    const memory = this.pageMemory[p];
    if (memory !== null) {
      if (memory.fast !== null) memory.fast.write(addr, value, size);
      else if (memory.device.poke) memory.device.poke(addr, value, size);
      else throw new BusError(addr, true, `${memory.device.name} cannot be poked`);
      return;
    }
    throw new BusError(addr, true, 'poke reaches memory only, not peripherals');
  }
}
