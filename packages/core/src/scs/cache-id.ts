/**
 * Cache identification registers of the Cortex-M7 as on the STM32H750 (16 KB I-cache, 16 KB D-cache,
 * 32-byte lines; AN4891 §2.1, hw-facts.md; ARMv7-M ARM DDI 0403E B4.8 for the formats).
 */

/** CCSIDR (B4.8.3): WT/WB/RA/WA in 31:28, NumSets-1 in 27:13, Associativity-1 in 12:3, LineSize in 2:0. */
export function encodeCcsidr(sizeBytes: number, ways: number, lineBytes: number, policyBits: number): number {
  const sets = sizeBytes / (ways * lineBytes);
  const lineSize = Math.log2(lineBytes / 4) - 2; // log2(words per line) - 2
  return ((policyBits << 28) | ((sets - 1) << 13) | ((ways - 1) << 3) | lineSize) >>> 0;
}

/** D-cache: 16 KB, 4-way, 32-byte lines, WT/WB/RA/WA all supported → 0xF00FE019 (the value libDaisy reads, libdaisy-facts.md). */
export const CCSIDR_DCACHE = encodeCcsidr(16 * 1024, 4, 32, 0xf);
/** I-cache: 16 KB, 2-way, 32-byte lines; the same policy bits as the D-cache [I]. */
export const CCSIDR_ICACHE = encodeCcsidr(16 * 1024, 2, 32, 0xf);
/** CLIDR (B4.8.2): LoUU = 1, LoC = 1, level 1 has separate I and D caches (Ctype1 = 0b011). */
export const CLIDR = ((1 << 27) | (1 << 24) | 0b011) >>> 0;
/**
 * CTR (B4.8.4, DUI 0646 §4.5.2): Format 0b100, CWG = 3 (8 words), ERG = 0, DminLine = 3, bits 15:14 RAO,
 * IminLine = 3 → 0x8303C003.
 */
export const CTR = ((0b100 << 29) | (3 << 24) | (3 << 16) | (3 << 14) | 3) >>> 0;
