/**
 * The plain-data view of the firmware's own clock and memory-controller setup that the bus latencies are
 * derived from (hw-facts §3, §5.2, §5.3). The board fills it from the SoC models (RCC ClockTree,
 * FLASH_ACR, FMC sdramTiming(), QUADSPI readTiming()) and calls `configure()` again whenever they change.
 */
export interface SdramTimingConfig {
  /** SDCLK = FMC kernel clock / SDCR.SDCLK (2 or 3). */
  sdclkHz: number;
  /** SDCR.CAS: 1, 2 or 3 SDCLK. */
  casLatency: number;
  /** SDTR.TRCD + 1: activate to read, in SDCLK. */
  trcd: number;
  /** SDTR.TRP + 1: precharge to activate, in SDCLK. */
  trp: number;
  /** SDCR.NC + 8. */
  columnBits: number;
  /** SDCR.NR + 11. */
  rowBits: number;
  /** SDCR.NB: 2 or 4. */
  internalBanks: number;
  /** SDCR.MWID: 8, 16 or 32. */
  busWidthBits: number;
  /** SDCR.RBURST. */
  readBurst: boolean;
  /** SDCR.RPIPE: extra HCLK cycles on read data. */
  readPipe: number;
  /** SDRTR.COUNT: refresh interval in SDCLK (0: refresh not modelled). */
  refreshCount: number;
}

export interface QspiTimingConfig {
  /** Kernel clock / (CR.PRESCALER + 1). */
  clockHz: number;
  /** CCR.IMODE/ADMODE/ABMODE/DMODE as line counts: 0 (phase absent), 1, 2 or 4. */
  instructionLines: number;
  addressLines: number;
  /** CCR.ADSIZE + 1. */
  addressBytes: number;
  alternateLines: number;
  /** CCR.ABSIZE + 1. */
  alternateBytes: number;
  /** CCR.DCYC. */
  dummyCycles: number;
  dataLines: number;
  /** CCR.DDRM: address, alternate and data phases transfer on both edges. */
  ddr: boolean;
  /** CCR.SIOO: the instruction is sent only with the first command. */
  sendInstructionOnlyOnce: boolean;
  /** DCR.CSHT + 1: minimum nCS high time between commands, in QSPI clocks. */
  csHighCycles: number;
  /** CR.TCEN with LPTR.TIMEOUT: after that many idle clocks nCS is released (0: never, prefetch kept). */
  timeoutCycles: number;
}

export interface BusTimingConfig {
  /** Core clock (sys_ck / D1CPRE). */
  cpuHz: number;
  /** D1 AXI bus clock (HCLK, rcc_hclk3 domain). */
  axiHz: number;
  /** D2/D3 AHB bus clock (HCLK, AHB1/2/4). */
  ahbHz: number;
  /** APB clock used for peripheral register accesses (the slowest APB; PCLK1). */
  apbHz: number;
  /** FLASH_ACR.LATENCY. */
  flashWaitStates: number;
  /** null until the FMC SDRAM bank is configured. */
  sdram: SdramTimingConfig | null;
  /** null until QUADSPI is in memory-mapped mode. */
  qspi: QspiTimingConfig | null;
}

/**
 * The Daisy Seed as libDaisy configures it (hw-facts §3.1, §5.2, §5.3): 400 MHz (480 with boost), HCLK =
 * SYSCLK/2, APB = HCLK/2, FLASH_LATENCY 2 (4), SDRAM at 200 MHz / 2 = 100 MHz CAS 3 TRCD 10 TRP 16,
 * QSPI at HCLK/2 quad I/O fast read 0xEB (instruction 1 line, 24-bit address 4 lines, mode byte 4 lines,
 * 6 dummy cycles, data 4 lines, SIOO), CS high 2 cycles, no timeout.
 */
export function daisyBusConfig(boost = false): BusTimingConfig {
  const cpuHz = boost ? 480e6 : 400e6;
  const hclk = cpuHz / 2;
  return {
    cpuHz,
    axiHz: hclk,
    ahbHz: hclk,
    apbHz: hclk / 2,
    flashWaitStates: boost ? 4 : 2,
    sdram: {
      sdclkHz: 100e6,
      casLatency: 3,
      trcd: 10,
      trp: 16,
      columnBits: 9,
      rowBits: 13,
      internalBanks: 4,
      busWidthBits: 32,
      readBurst: true,
      readPipe: 0,
      refreshCount: 0x81a - 20,
    },
    qspi: {
      clockHz: hclk / 2,
      instructionLines: 1,
      addressLines: 4,
      addressBytes: 3,
      alternateLines: 4,
      alternateBytes: 1,
      dummyCycles: 6,
      dataLines: 4,
      ddr: false,
      sendInstructionOnlyOnce: true,
      csHighCycles: 2,
      timeoutCycles: 0,
    },
  };
}

/** Reset state: HSI 64 MHz, no prescalers, 0 wait states would be wrong (reset LATENCY is 7 on the H7). */
export function resetBusConfig(): BusTimingConfig {
  // RM0433 §4.9.1 FLASH_ACR reset value 0x37: LATENCY = 7 wait states; the CPU runs from HSI at 64 MHz.
  return { cpuHz: 64e6, axiHz: 64e6, ahbHz: 64e6, apbHz: 64e6, flashWaitStates: 7, sdram: null, qspi: null };
}

export function validateBusConfig(c: BusTimingConfig): void {
  const bad = (what: string) => {
    throw new Error(`invalid bus timing configuration: ${what}`);
  };
  for (const k of ['cpuHz', 'axiHz', 'ahbHz', 'apbHz'] as const) if (!(c[k] > 0) || !Number.isFinite(c[k])) bad(`${k} = ${c[k]}`);
  if (!Number.isInteger(c.flashWaitStates) || c.flashWaitStates < 0 || c.flashWaitStates > 15) bad(`flashWaitStates = ${c.flashWaitStates}`);
  const s = c.sdram;
  if (s) {
    if (!(s.sdclkHz > 0)) bad(`sdram.sdclkHz = ${s.sdclkHz}`);
    if (![1, 2, 3].includes(s.casLatency)) bad(`sdram.casLatency = ${s.casLatency}`);
    if (![8, 16, 32].includes(s.busWidthBits)) bad(`sdram.busWidthBits = ${s.busWidthBits}`);
    if (![2, 4].includes(s.internalBanks)) bad(`sdram.internalBanks = ${s.internalBanks}`);
  }
  const q = c.qspi;
  if (q) {
    if (!(q.clockHz > 0)) bad(`qspi.clockHz = ${q.clockHz}`);
    if (![1, 2, 4].includes(q.dataLines)) bad(`qspi.dataLines = ${q.dataLines}`);
  }
}
