/**
 * The Cortex-M7 MPU (ARMv7-M ARM DDI 0403E B3.5): 16 regions (STM32H7: AN4891 §2.1; TYPE.DREGION = 16),
 * registers at 0xE000ED90–0xE000EDB8, and the lookup the bus and the timing model call on every access.
 *
 * A lookup returns the memory attributes as one packed number, so the hot path never allocates:
 *
 *   bits 1:0   memory type            MemType: 0 Strongly-ordered, 1 Device, 2 Normal
 *   bit  2     shareable              (Cortex-M7: Normal shareable memory is not cached unless CACR.SIWT,
 *                                      TRM DDI 0489 §3.3.8; the cache model decides, this bit reports it)
 *   bits 4:3   inner cache policy     CachePolicy: 0 non-cacheable, 1 write-back write-allocate,
 *                                      2 write-through no write-allocate, 3 write-back no write-allocate
 *   bits 6:5   outer cache policy     same encoding
 *   bit  7     execute never          (region XN bit, or an XN region of the default map, B3.1 Table B3-1)
 *   bit  8     fault                  the access is refused: MemManage (DACCVIOL / IACCVIOL)
 *   bit  9     region hit             the attributes come from an MPU region, not the default map
 *   bits 15:12 region number          valid when bit 9 is set
 *
 * Decode the fields with the MemAttr constants and the helpers below. The region table is recomputed on
 * every MPU register write, never per access.
 */

/** B3.5.7 memory types. */
export const enum MemType {
  StronglyOrdered = 0,
  Device = 1,
  Normal = 2,
}

/** B3.5.7 Table B3-14 cache policy encoding (AA / BB fields). */
export const enum CachePolicy {
  NonCacheable = 0,
  WriteBackWriteAllocate = 1,
  WriteThrough = 2,
  WriteBackNoWriteAllocate = 3,
}

export const enum MemAttr {
  TypeMask = 0x3,
  Shareable = 1 << 2,
  InnerShift = 3,
  OuterShift = 5,
  PolicyMask = 0x3,
  ExecuteNever = 1 << 7,
  Fault = 1 << 8,
  RegionHit = 1 << 9,
  RegionShift = 12,
}

export function memType(attr: number): MemType {
  return (attr & MemAttr.TypeMask) as MemType;
}
export function innerPolicy(attr: number): CachePolicy {
  return ((attr >>> MemAttr.InnerShift) & MemAttr.PolicyMask) as CachePolicy;
}
export function outerPolicy(attr: number): CachePolicy {
  return ((attr >>> MemAttr.OuterShift) & MemAttr.PolicyMask) as CachePolicy;
}
export function isFault(attr: number): boolean {
  return (attr & MemAttr.Fault) !== 0;
}
export function regionOf(attr: number): number {
  return (attr & MemAttr.RegionHit) !== 0 ? (attr >>> MemAttr.RegionShift) & 0xf : -1;
}

/** The unpacked form of a lookup, for reports and tests (allocates: not for the hot path). */
export interface MemoryAttributes {
  type: 'strongly-ordered' | 'device' | 'normal';
  shareable: boolean;
  inner: 'non-cacheable' | 'write-back-write-allocate' | 'write-through' | 'write-back-no-write-allocate';
  outer: MemoryAttributes['inner'];
  executeNever: boolean;
  fault: boolean;
  /** MPU region number, or -1 for the default memory map. */
  region: number;
}

const TYPE_NAMES: MemoryAttributes['type'][] = ['strongly-ordered', 'device', 'normal', 'normal'];
const POLICY_NAMES: MemoryAttributes['inner'][] = [
  'non-cacheable',
  'write-back-write-allocate',
  'write-through',
  'write-back-no-write-allocate',
];

export function unpackAttributes(attr: number): MemoryAttributes {
  return {
    type: TYPE_NAMES[memType(attr)],
    shareable: (attr & MemAttr.Shareable) !== 0,
    inner: POLICY_NAMES[innerPolicy(attr)],
    outer: POLICY_NAMES[outerPolicy(attr)],
    executeNever: (attr & MemAttr.ExecuteNever) !== 0,
    fault: isFault(attr),
    region: regionOf(attr),
  };
}

function normal(policy: CachePolicy, shareable: boolean): number {
  return MemType.Normal | (shareable ? MemAttr.Shareable : 0) | (policy << MemAttr.InnerShift) | (policy << MemAttr.OuterShift);
}

const DEVICE_XN = MemType.Device | MemAttr.Shareable | MemAttr.ExecuteNever;

/**
 * The default memory map, B3.1 Table B3-1, indexed by address bits 31:29. The system region's PPB part
 * (0xE0000000–0xE00FFFFF) is Strongly-ordered; the rest of it Device; both XN.
 */
const DEFAULT_MAP = [
  normal(CachePolicy.WriteThrough, false), // 0x00000000 Code
  normal(CachePolicy.WriteBackWriteAllocate, false), // 0x20000000 SRAM
  DEVICE_XN, // 0x40000000 Peripheral
  normal(CachePolicy.WriteBackWriteAllocate, false), // 0x60000000 RAM
  normal(CachePolicy.WriteThrough, false), // 0x80000000 RAM
  DEVICE_XN, // 0xA0000000 external device, shareable
  MemType.Device | MemAttr.ExecuteNever, // 0xC0000000 external device, non-shareable
  MemType.Device | MemAttr.Shareable | MemAttr.ExecuteNever, // 0xE0000000 system (vendor part)
];
const PPB_ATTR = MemType.StronglyOrdered | MemAttr.Shareable | MemAttr.ExecuteNever;

/** Attributes of `addr` under the default memory map (B3.1 Table B3-1). */
export function defaultMapAttributes(addr: number): number {
  addr >>>= 0;
  if (addr >= 0xe0000000 && addr < 0xe0100000) return PPB_ATTR;
  return DEFAULT_MAP[addr >>> 29];
}

/**
 * TEX:C:B:S of RASR decoded to attributes (B3.5.7 Table B3-13). Returns -1 for reserved encodings,
 * which the lookup treats as a fault-free Strongly-ordered region (the architecture says UNPREDICTABLE).
 */
export function decodeTexCb(tex: number, c: number, b: number, s: number): number {
  const sh = s ? MemAttr.Shareable : 0;
  if (tex & 4) {
    // 1BB AA: Normal, outer policy BB = TEX[1:0], inner policy AA = C:B.
    return MemType.Normal | sh | (((c << 1) | b) << MemAttr.InnerShift) | ((tex & 3) << MemAttr.OuterShift);
  }
  switch ((tex << 2) | (c << 1) | b) {
    case 0b00000:
      return MemType.StronglyOrdered | MemAttr.Shareable;
    case 0b00001:
      return MemType.Device | MemAttr.Shareable;
    case 0b00010:
      return normal(CachePolicy.WriteThrough, s !== 0);
    case 0b00011:
      return normal(CachePolicy.WriteBackNoWriteAllocate, s !== 0);
    case 0b00100:
      return normal(CachePolicy.NonCacheable, s !== 0);
    case 0b00111:
      return normal(CachePolicy.WriteBackWriteAllocate, s !== 0);
    case 0b01000:
      return MemType.Device;
    default:
      return -1;
  }
}

/** RASR.AP (B3.5.6 Table B3-15): bit set = allowed. Index by AP value. */
const AP_PRIV_READ = [0, 1, 1, 1, 0, 1, 1, 1];
const AP_PRIV_WRITE = [0, 1, 1, 1, 0, 0, 0, 0];
const AP_USER_READ = [0, 0, 1, 1, 0, 0, 1, 1];
const AP_USER_WRITE = [0, 0, 0, 1, 0, 0, 0, 0];

export const MPU_REGION_COUNT = 16;

/** Granule of Mpu.restrictedPages: 64 KB, 65 536 pages over the address space. */
const PAGE_SHIFT = 16;
const PAGE_COUNT = 1 << (32 - PAGE_SHIFT);
/** The system region, where the MPU never applies (B3.5.1). */
const SYSTEM_BASE = 0xe0000000;

/** Register offsets from 0xE000ED90. */
export const enum MpuReg {
  Type = 0x00,
  Ctrl = 0x04,
  Rnr = 0x08,
  Rbar = 0x0c,
  Rasr = 0x10,
  RbarA1 = 0x14,
  RasrA1 = 0x18,
  RbarA2 = 0x1c,
  RasrA2 = 0x20,
  RbarA3 = 0x24,
  RasrA3 = 0x28,
}

const RASR_MASK = 0x173fff3f;

export class Mpu {
  /** MPU_CTRL: ENABLE bit 0, HFNMIENA bit 1, PRIVDEFENA bit 2. */
  ctrl = 0;
  rnr = 0;
  readonly rbar = new Uint32Array(MPU_REGION_COUNT);
  readonly rasr = new Uint32Array(MPU_REGION_COUNT);
  /**
   * Whether the execution priority is negative (HardFault, NMI, FAULTMASK), set by the exception model:
   * then, unless CTRL.HFNMIENA, the MPU is bypassed (B3.5.2 MPU_CTRL).
   */
  get negativePriority(): boolean {
    return this.negative;
  }
  set negativePriority(value: boolean) {
    if (value === this.negative) return;
    this.negative = value;
    if ((this.ctrl & 3) === 1 && this.onChange) this.onChange();
  }
  private negative = false;
  /**
   * Told after anything that can change a lookup's result: MPU_CTRL, a region's RBAR/RASR, or the
   * negative-priority bypass switching while it matters. Attribute caches (the timing model) flush here.
   */
  onChange: (() => void) | null = null;
  /** Counts configuration changes (MPU_CTRL, RBAR, RASR, reset), not the negative-priority bypass. */
  configVersion = 0;

  // Decoded table of enabled regions, highest region number first (it wins, B3.5.3).
  private activeCount = 0;
  private readonly activeIndex = new Uint8Array(MPU_REGION_COUNT);
  private readonly regionBase = new Uint32Array(MPU_REGION_COUNT);
  private readonly regionMask = new Uint32Array(MPU_REGION_COUNT);
  /** Right shift from (addr - base) to the sub-region index; 0 when SRD is 0 or the region is < 256 B. */
  private readonly regionSubShift = new Uint8Array(MPU_REGION_COUNT);
  private readonly regionSrd = new Uint8Array(MPU_REGION_COUNT);
  private readonly regionAttr = new Int32Array(MPU_REGION_COUNT);

  reset(): void {
    this.ctrl = 0;
    this.rnr = 0;
    this.rbar.fill(0);
    this.rasr.fill(0);
    this.negative = false;
    this.rebuild();
  }

  get enabled(): boolean {
    return (this.ctrl & 1) !== 0;
  }

  readRegister(offset: number): number {
    switch (offset) {
      case MpuReg.Type:
        return MPU_REGION_COUNT << 8; // DREGION = 16, IREGION = 0, SEPARATE = 0
      case MpuReg.Ctrl:
        return this.ctrl;
      case MpuReg.Rnr:
        return this.rnr;
      case MpuReg.Rbar:
      case MpuReg.RbarA1:
      case MpuReg.RbarA2:
      case MpuReg.RbarA3:
        return (this.rbar[this.rnr] | this.rnr) >>> 0;
      case MpuReg.Rasr:
      case MpuReg.RasrA1:
      case MpuReg.RasrA2:
      case MpuReg.RasrA3:
        return this.rasr[this.rnr];
      default:
        return 0;
    }
  }

  writeRegister(offset: number, value: number): void {
    value >>>= 0;
    switch (offset) {
      case MpuReg.Ctrl:
        this.ctrl = value & 7;
        break;
      case MpuReg.Rnr:
        this.rnr = value & (MPU_REGION_COUNT - 1);
        return;
      case MpuReg.Rbar:
      case MpuReg.RbarA1:
      case MpuReg.RbarA2:
      case MpuReg.RbarA3:
        // VALID (bit 4) selects the region in REGION[3:0] and updates RNR (B3.5.5).
        if (value & 0x10) this.rnr = value & 0xf;
        this.rbar[this.rnr] = value & 0xffffffe0;
        break;
      case MpuReg.Rasr:
      case MpuReg.RasrA1:
      case MpuReg.RasrA2:
      case MpuReg.RasrA3:
        this.rasr[this.rnr] = value & RASR_MASK;
        break;
      default:
        return;
    }
    this.rebuild();
  }

  /** Recomputes the decoded region table from RBAR/RASR. */
  private rebuild(): void {
    let n = 0;
    for (let i = MPU_REGION_COUNT - 1; i >= 0; i--) {
      const rasr = this.rasr[i];
      if ((rasr & 1) === 0) continue;
      // SIZE: region of 2^(SIZE+1) bytes, SIZE >= 4 (32 bytes); smaller values are UNPREDICTABLE.
      const sizeLog2 = Math.max(5, ((rasr >>> 1) & 0x1f) + 1);
      const mask = sizeLog2 >= 32 ? 0 : ~((2 ** sizeLog2 - 1) >>> 0) >>> 0;
      let attr = decodeTexCb((rasr >>> 19) & 7, (rasr >>> 17) & 1, (rasr >>> 16) & 1, (rasr >>> 18) & 1);
      if (attr < 0) attr = MemType.StronglyOrdered | MemAttr.Shareable;
      if (rasr & 0x10000000) attr |= MemAttr.ExecuteNever;
      attr |= MemAttr.RegionHit | (i << MemAttr.RegionShift);
      this.regionBase[i] = (this.rbar[i] & mask) >>> 0;
      this.regionMask[i] = mask;
      // Sub-regions exist for regions of 256 bytes or more (B3.5.4); SRD is ignored below that.
      this.regionSrd[i] = sizeLog2 >= 8 ? (rasr >>> 8) & 0xff : 0;
      this.regionSubShift[i] = sizeLog2 - 3;
      this.regionAttr[i] = attr;
      this.activeIndex[n++] = i;
    }
    this.activeCount = n;
    this.configVersion++;
    if (this.onChange) this.onChange();
  }

  /**
   * Attributes for an access (packed, see the file comment), with MemAttr.Fault set when the MPU or the
   * XN rules refuse it. Cheap: no allocation, at most 16 compares when the MPU is on.
   */
  lookup(addr: number, isWrite: boolean, isFetch: boolean, privileged: boolean): number {
    addr >>>= 0;
    // The MPU never applies to the system region (B3.5.1); it is bypassed when off, or at negative
    // priority without HFNMIENA (B3.5.5).
    const bypassed = addr >= 0xe0000000 || (this.ctrl & 1) === 0 || (this.negative && (this.ctrl & 2) === 0);
    let attr = bypassed ? defaultMapAttributes(addr) : this.regionLookup(addr, isWrite, privileged);
    if (isFetch && (attr & MemAttr.ExecuteNever)) attr |= MemAttr.Fault;
    return attr;
  }

  /** The lookup through the enabled regions (the MPU on and not bypassed), XN not yet applied. */
  private regionLookup(addr: number, isWrite: boolean, privileged: boolean): number {
    for (let k = 0; k < this.activeCount; k++) {
      const i = this.activeIndex[k];
      if (((addr & this.regionMask[i]) >>> 0) !== this.regionBase[i]) continue;
      const srd = this.regionSrd[i];
      if (srd !== 0) {
        // Eight equal sub-regions; a set SRD bit removes that part from the region (B3.5.4).
        const sub = (((addr - this.regionBase[i]) >>> 0) >>> this.regionSubShift[i]) & 7;
        if ((srd >>> sub) & 1) continue;
      }
      const ap = (this.rasr[i] >>> 24) & 7;
      const allowed = privileged
        ? isWrite
          ? AP_PRIV_WRITE[ap]
          : AP_PRIV_READ[ap]
        : isWrite
          ? AP_USER_WRITE[ap]
          : AP_USER_READ[ap];
      return allowed ? this.regionAttr[i] : this.regionAttr[i] | MemAttr.Fault;
    }
    // No region: the background (default) map for privileged accesses with PRIVDEFENA, else a fault.
    const attr = defaultMapAttributes(addr);
    return !privileged || (this.ctrl & 4) === 0 ? attr | MemAttr.Fault : attr;
  }

  /**
   * The 64 KB pages (address >>> 16) where the enabled MPU may refuse a data read or write at the given
   * privilege, or null when it refuses none anywhere (off, or every region and the background allow
   * both). The core tests one byte of this table per access and asks `lookup` only on a marked page.
   * Exact: between two neighbouring region or sub-region edges every address gets the same answer, so
   * each such interval is looked up once (a few dozen intervals, microseconds). The negative-priority
   * bypass is ignored (a page it would let through is still marked; lookup decides).
   */
  restrictedPages(privileged: boolean): Uint8Array | null {
    if ((this.ctrl & 1) === 0) return null;
    // The system region (0xE0000000 up) is never checked by the MPU (B3.5.1).
    const edges = [0, SYSTEM_BASE];
    for (let k = 0; k < this.activeCount; k++) {
      const i = this.activeIndex[k];
      const base = this.regionBase[i];
      const size = (~this.regionMask[i] >>> 0) + 1;
      const step = this.regionSrd[i] !== 0 ? size / 8 : size;
      for (let a = base; a <= base + size; a += step) if (a < SYSTEM_BASE) edges.push(a);
    }
    edges.sort((x, y) => x - y);
    let pages: Uint8Array | null = null;
    for (let e = 0; e + 1 < edges.length; e++) {
      const low = edges[e];
      const high = edges[e + 1];
      if (low === high) continue;
      if (!isFault(this.regionLookup(low, false, privileged)) && !isFault(this.regionLookup(low, true, privileged))) continue;
      pages ??= new Uint8Array(PAGE_COUNT);
      pages.fill(1, low >>> PAGE_SHIFT, ((high - 1) >>> PAGE_SHIFT) + 1);
    }
    return pages;
  }

  /** The memory type of a privileged data access (what the SoC bus needs for unaligned-access rules). */
  memoryType(addr: number, isWrite: boolean): MemoryAttributes['type'] {
    return TYPE_NAMES[memType(this.lookup(addr, isWrite, false, true))];
  }

  /** {@link lookup} unpacked, for reports and tests. */
  describe(addr: number, isWrite = false, isFetch = false, privileged = true): MemoryAttributes {
    return unpackAttributes(this.lookup(addr, isWrite, isFetch, privileged));
  }
}
