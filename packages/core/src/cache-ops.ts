/**
 * What the SCB forwards to a cache model (the timing package implements it). Each method is one
 * ARMv7-M cache maintenance operation (DDI 0403E B2.2.7, registers at 0xE000EF50–0xE000EF78) or a change
 * of the CCR.IC/CCR.DC enables (B3.2.8). The SCB calls them as the firmware writes the registers; a model
 * that keeps no cache state can ignore them all.
 */
export interface CacheOps {
  /** CCR written: IC (bit 17) and DC (bit 16) as they now read. */
  setEnabled(icache: boolean, dcache: boolean): void;
  /** ICIALLU (0xE000EF50): invalidate the whole instruction cache. */
  invalidateInstructionAll(): void;
  /** ICIMVAU (0xE000EF58): invalidate the instruction cache line holding `addr`. */
  invalidateInstructionByAddress(addr: number): void;
  /** DCIMVAC (0xE000EF5C): invalidate the data cache line holding `addr` (dirty data is lost). */
  invalidateDataByAddress(addr: number): void;
  /** DCISW (0xE000EF60): invalidate by set/way; `value` as written (way in the top bits, set from bit 5). */
  invalidateDataBySetWay(value: number): void;
  /** DCCMVAU (0xE000EF64) and DCCMVAC (0xE000EF68): clean (write back) the line holding `addr`. */
  cleanDataByAddress(addr: number): void;
  /** DCCSW (0xE000EF6C): clean by set/way. */
  cleanDataBySetWay(value: number): void;
  /** DCCIMVAC (0xE000EF70): clean and invalidate the line holding `addr`. */
  cleanInvalidateDataByAddress(addr: number): void;
  /** DCCISW (0xE000EF74): clean and invalidate by set/way. */
  cleanInvalidateDataBySetWay(value: number): void;
  /** BPIALL (0xE000EF78): invalidate the branch predictor. */
  invalidateBranchPredictor(): void;
}
