/**
 * Memory attributes as the L1 caches need them, packed in a small integer (no allocation per access).
 * Sources: ARMv7-M ARM DDI 0403E B3.1 Table B3-1 (default memory map) and B3.5.7 Table B3-13 (MPU
 * TEX/C/B/S encoding); Cortex-M7 TRM DDI 0489F §5.9 (only Non-shared cacheable memory is looked up).
 */
export const enum L1Attr {
  /** Normal memory whose inner policy is cacheable (write-through or write-back). */
  Cacheable = 1,
  /** Write-back (else write-through) when Cacheable. */
  WriteBack = 2,
  /** Allocate a line on a write miss (only meaningful when Cacheable and WriteBack). */
  WriteAllocate = 4,
  /** Shareable: on the Cortex-M7, shareable memory bypasses the L1 D-cache (TRM §5.9). */
  Shareable = 8,
  /** Device or Strongly-ordered: never cached, accesses are not merged. */
  Device = 16,
}

/** Normal, write-back, read- and write-allocate. */
export const ATTR_WBWA = L1Attr.Cacheable | L1Attr.WriteBack | L1Attr.WriteAllocate;
/** Normal, write-through, read-allocate (no write allocate). */
export const ATTR_WT = L1Attr.Cacheable;
/** Normal, write-back, read-allocate only. */
export const ATTR_WB_NO_WA = L1Attr.Cacheable | L1Attr.WriteBack;
export const ATTR_NORMAL_UNCACHED = 0;
export const ATTR_DEVICE = L1Attr.Device;

/** Whether the L1 D-cache looks the access up: cacheable and not shareable (TRM §5.9). */
export function isCachedData(attr: number): boolean {
  return (attr & (L1Attr.Cacheable | L1Attr.Shareable | L1Attr.Device)) === L1Attr.Cacheable;
}

/** Default memory map attributes, used with the MPU off or as its background region (B3.1 Table B3-1). */
export function defaultAttributes(address: number): number {
  switch ((address >>> 29) & 7) {
    case 0: // 0x0000_0000 Code: Normal, write-through, read-allocate
      return ATTR_WT;
    case 1: // 0x2000_0000 SRAM: Normal, write-back, write-allocate
      return ATTR_WBWA;
    case 2: // 0x4000_0000 Peripheral: Device
      return ATTR_DEVICE;
    case 3: // 0x6000_0000 RAM: Normal WBWA
      return ATTR_WBWA;
    case 4: // 0x8000_0000 RAM: Normal WT
      return ATTR_WT;
    case 5: // 0xA000_0000 Device, shareable
      return ATTR_DEVICE | L1Attr.Shareable;
    case 6: // 0xC000_0000 Device, non-shareable
      return ATTR_DEVICE;
    default: // 0xE000_0000 PPB (Strongly-ordered) and vendor system space (Device)
      return ATTR_DEVICE | L1Attr.Shareable;
  }
}

/** Inner (L1) policy of the TEX=1BB AA form: AA 00 non-cacheable, 01 WBWA, 10 WT, 11 WB no WA. */
const CACHE_POLICY = [ATTR_NORMAL_UNCACHED, ATTR_WBWA, ATTR_WT, ATTR_WB_NO_WA];

/**
 * Decodes an MPU region's MPU_RASR TEX, C, B and S fields into attributes (B3.5.7 Table B3-13).
 * Reserved encodings decode as Strongly-ordered (the safest reading: never cached).
 */
export function attributesFromTexCbS(tex: number, c: number, b: number, s: number): number {
  const share = s ? L1Attr.Shareable : 0;
  if (tex & 4) return CACHE_POLICY[((c & 1) << 1) | (b & 1)] | share;
  const code = ((tex & 3) << 2) | ((c & 1) << 1) | (b & 1);
  switch (code) {
    case 0b0000: // Strongly-ordered, always shareable
      return ATTR_DEVICE | L1Attr.Shareable;
    case 0b0001: // Shared Device
      return ATTR_DEVICE | L1Attr.Shareable;
    case 0b0010: // Normal, outer and inner write-through, no write allocate
      return ATTR_WT | share;
    case 0b0011: // Normal, outer and inner write-back, no write allocate
      return ATTR_WB_NO_WA | share;
    case 0b0100: // Normal, non-cacheable
      return ATTR_NORMAL_UNCACHED | share;
    case 0b0111: // Normal, outer and inner write-back, write and read allocate
      return ATTR_WBWA | share;
    case 0b1000: // Non-shared Device
      return ATTR_DEVICE;
    default: // reserved or IMPLEMENTATION DEFINED (TEX=001 C=1 B=0)
      return ATTR_DEVICE | L1Attr.Shareable;
  }
}

/**
 * Where the memory system gets the attributes of an address. The board implements it over the MPU
 * (`mpu.lookup`) and calls {@link MemorySystem.attributesChanged} when MPU_CTRL or a region changes;
 * without one, the default map applies.
 */
export interface AttributeSource {
  attributes(address: number, isFetch: boolean): number;
}

export const DEFAULT_ATTRIBUTE_SOURCE: AttributeSource = {
  attributes: (address: number) => defaultAttributes(address),
};
