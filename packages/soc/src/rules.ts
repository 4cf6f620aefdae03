/**
 * Names of the placement and init-order rules the SoC models report through SocContext.rule()
 * (DESIGN.md principle 6). One constant per rule, with what breaking it means on real silicon.
 */
export const Rule = {
  /** An SDRAM access before the FMC is clocked, enabled and the JEDEC init sequence has run. */
  SdramBeforeInit: 'sdram-before-init',
  /** A read of SDRAM bytes never written since power-on: the value is whatever the cells powered up with. */
  SdramReadUninitialised: 'sdram-read-uninitialised',
  /** The SDRAM mode register's CAS latency differs from FMC_SDCRx.CAS: reads sample the wrong beat. */
  SdramCasMismatch: 'sdram-cas-mismatch',
  /** A read of the QUADSPI window (0x9000_0000) while QUADSPI is not enabled in memory-mapped mode. */
  QspiBeforeMapped: 'qspi-before-mapped',
  /** A write to the QUADSPI window: memory-mapped mode is read-only, the write faults. */
  QspiWrite: 'qspi-write',
  /** A memory-mapped read beyond the flash size set in QUADSPI_DCR.FSIZE. */
  QspiOutOfRange: 'qspi-out-of-range',
  /** A quad-line flash command while the flash's QE bit is clear: IO2/IO3 are still WP#/HOLD#. */
  QspiQuadWithoutQe: 'qspi-quad-without-qe',
  /** A flash command other than a status read while a program/erase is in progress: the chip ignores it. */
  QspiFlashBusy: 'qspi-flash-busy',
  /** A program, erase or status write without a preceding WRITE ENABLE (0x06): the chip ignores it. */
  QspiWriteNotEnabled: 'qspi-write-not-enabled',
  /** A DMA1/DMA2 stream addressing ITCM or DTCM, which those masters cannot reach (AN4891 §2.4.3). */
  DmaToTcm: 'dma-to-tcm',
  /** A DMA1/DMA2 transfer that ended in a bus error (unmapped or unreachable address, refused access). */
  DmaBusError: 'dma-bus-error',
  /**
   * Cache coherency (reported by the cache model from the DMA hooks, not by the SoC): DMA read memory
   * whose newest data still sits dirty in the D-cache.
   */
  DmaReadDirtyCache: 'dma-read-dirty-cache',
  /** Cache coherency (cache model): the CPU read a cached line that DMA has overwritten since it was filled. */
  CpuReadStaleCache: 'cpu-read-stale-cache',
  /** An unaligned access to Device or Strongly-ordered memory (SDRAM with no MPU region is Device): UsageFault. */
  UnalignedDeviceAccess: 'unaligned-device-access',
  /** A CPU store to internal flash through the bus: flash is programmed through FLASH_CR, the store is lost. */
  FlashWrite: 'flash-write',
  /** FLASH_ACR.LATENCY too small for the AXI clock (RM0433 Table 17): flash reads return corrupt data. */
  FlashWaitStates: 'flash-wait-states',
  /** The stack pointer went below the end of the static data linked under the stack (the board checks it). */
  StackOverflow: 'stack-overflow',
  /**
   * A peripheral was started while its kernel clock is off (the PLL or oscillator its RCC mux selects is
   * not running): nothing moves, and the firmware waits for a flag that never comes or times out.
   */
  PeripheralNoClock: 'peripheral-no-clock',
  /**
   * A bootloader app (BOOT_SRAM/BOOT_QSPI) whose libDaisy `boot_info` is not linked in backup SRAM
   * (0x3880_0000), where the Daisy bootloader writes it: libDaisy reads version 0 from its own copy, takes
   * the "bootloader older than v6" path and skips clock, MPU and SDRAM setup.
   */
  BootInfoMisplaced: 'boot-info-misplaced',
  /**
   * A bootloader app built with libDaisy before v6 (no `daisy::boot_info`): it leaves clock, MPU and SDRAM
   * setup to the Daisy bootloader v5 or older; seedsim reproduces the v6 bootloader's hand-off (RCC at
   * reset values), so the app runs on the 64 MHz HSI with no PLL and no SDRAM, as it would on a Daisy
   * with the v6 bootloader.
   */
  BootloaderV5Expected: 'bootloader-v5-expected',
  /**
   * An audio DMA interrupt (a stream DMAMUX1 routes to a SAI) ran longer than the block it serves lasts:
   * the DMA reached the buffer half before the callback finished writing it (the board checks it).
   */
  AudioDeadlineMissed: 'audio-deadline-missed',
  /**
   * An interrupt handler called a function that must not run there: heap allocation, a busy-wait delay,
   * FatFS file access (the board checks it by symbol name).
   */
  BlockingCallInInterrupt: 'blocking-call-in-interrupt',
  /**
   * The heap break moved past the end of the memory that holds the heap, or into the stack growing down
   * in that memory (newlib's _sbrk checks no limit; the board watches its calls).
   */
  HeapOverflow: 'heap-overflow',
} as const;

export type RuleName = (typeof Rule)[keyof typeof Rule];

/** One line per rule for reports and `--help`. */
export const RULE_EXPLANATIONS: Readonly<Record<RuleName, string>> = {
  'sdram-before-init': 'SDRAM used before the FMC was clocked, enabled and the JEDEC init sequence ran (reads garbage, writes lost, or a bus error)',
  'sdram-read-uninitialised': 'SDRAM read of bytes never written since power-on (random power-up contents)',
  'sdram-cas-mismatch': 'SDRAM mode register CAS latency differs from FMC_SDCR.CAS (reads sample the wrong cycle)',
  'qspi-before-mapped': 'QSPI window read before QUADSPI was enabled in memory-mapped mode (bus error)',
  'qspi-write': 'write to the QSPI window, which is read-only in memory-mapped mode (bus error)',
  'qspi-out-of-range': 'QSPI window access beyond the flash size programmed in QUADSPI_DCR.FSIZE (bus error)',
  'qspi-quad-without-qe': 'quad-line flash command while the flash status register QE bit is 0 (data garbage)',
  'qspi-flash-busy': 'flash command sent while a program or erase is in progress (ignored by the chip)',
  'qspi-write-not-enabled': 'program/erase/status write without WRITE ENABLE first (ignored by the chip)',
  'dma-to-tcm': 'a DMA1/DMA2 stream or the SDMMC1 IDMA addresses ITCM or DTCM, unreachable for them (transfer error, transfer stopped)',
  'dma-bus-error': 'a DMA transfer ended in a bus error (DMA TEIF set and stream disabled; SDMMC1 IDMATE: D2/D3 SRAM are out of its reach)',
  'dma-read-dirty-cache': 'DMA read memory whose newest data is still dirty in the D-cache (clean before starting DMA)',
  'cpu-read-stale-cache': 'CPU read a cached copy of memory that DMA has since overwritten (invalidate after DMA)',
  'unaligned-device-access': 'unaligned access to Device memory, e.g. SDRAM without its MPU region (UsageFault)',
  'flash-write': 'CPU store to internal flash through the bus (ignored: flash is programmed through FLASH_CR)',
  'flash-wait-states': 'FLASH_ACR.LATENCY too small for the AXI clock (flash reads return corrupt data)',
  'stack-overflow': 'the stack grew below the end of the static data linked under it (variables overwritten)',
  'boot-info-misplaced': 'a BOOT_SRAM/BOOT_QSPI app links daisy::boot_info outside backup SRAM (0x38800000): libDaisy reads an undefined bootloader version (0 in seedsim: clock, MPU and SDRAM setup skipped); an outdated linker script?',
  'bootloader-v5-expected': 'a BOOT_SRAM/BOOT_QSPI app built with libDaisy before v6 (no daisy::boot_info) expects the Daisy bootloader v5 to have set up clocks, MPU and SDRAM; seedsim boots it as the v6 bootloader does (64 MHz HSI, no SDRAM): rebuild with libDaisy v6 or later',
  'audio-deadline-missed': 'the audio interrupt ran longer than one audio block lasts (or was still running when the DMA finished the next half): the DMA played the buffer half before the callback finished it (an audible click)',
  'blocking-call-in-interrupt': 'an interrupt handler called malloc/new/free, a delay (HAL_Delay, System::Delay) or FatFS file access: unbounded or blocking work where audio must finish in time',
  'heap-overflow': 'an allocation moved the heap past the end of its memory or into the stack (newlib\'s _sbrk checks no limit): a heap too small for what the firmware allocates (a big DSP object or delay line that belongs in SDRAM?)',
  'peripheral-no-clock': 'a peripheral (SPI, SAI, ADC, SDMMC) was started with its kernel clock off: its RCC source is not running, so nothing moves (clocks not configured?)',
};
