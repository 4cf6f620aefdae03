/**
 * Adapters the board uses to feed the timing model from the SoC and core models, written against the
 * fields it needs (structural types: no dependency on @seedsim/soc):
 *   - the RCC clock tree, FLASH_ACR wait states, the FMC's sdramTiming() and QUADSPI's readTiming()
 *     become a BusTimingConfig (call again from their change listeners);
 *   - the MPU's packed lookup() becomes the L1 attribute source.
 */
import type { BusTimingConfig } from './bus-config.js';
import { ATTR_DEVICE, ATTR_NORMAL_UNCACHED, ATTR_WB_NO_WA, ATTR_WBWA, ATTR_WT, L1Attr, type AttributeSource } from './memory-attributes.js';

export interface ClockSource {
  readonly cpu: number;
  readonly hclk: number;
  readonly pclk1: number;
}

export interface SdramSource {
  usable: boolean;
  sdclkHz: number;
  casLatency: number;
  trcd: number;
  trp: number;
  readBurst: boolean;
  readPipe: number;
  columnBits: number;
  rowBits: number;
  internalBanks: number;
  busWidthBits: number;
  refreshCount: number;
}

export interface QspiSource {
  mapped: boolean;
  qspiHz: number;
  instructionLines: number;
  sendInstructionOnce: boolean;
  addressLines: number;
  addressBytes: number;
  alternateLines: number;
  alternateBytes: number;
  dummyCycles: number;
  dataLines: number;
  ddr: boolean;
  chipSelectHighCycles: number;
  timeoutCounterEnabled: boolean;
  timeoutCycles: number;
}

function sdramUsable(s: SdramSource | null): s is SdramSource {
  // A controller half way through its init sequence can show partial fields: price it as plain AXI
  // until every field the model needs is one the FMC can hold (RM0433 §22.9.3 SDCR/SDTR ranges).
  return (
    s !== null &&
    s.usable &&
    s.sdclkHz > 0 &&
    s.casLatency >= 1 &&
    s.casLatency <= 3 &&
    (s.busWidthBits === 8 || s.busWidthBits === 16 || s.busWidthBits === 32) &&
    (s.internalBanks === 2 || s.internalBanks === 4) &&
    s.columnBits >= 8 &&
    s.columnBits <= 11 &&
    s.rowBits >= 11 &&
    s.rowBits <= 13
  );
}

function qspiUsable(q: QspiSource | null): q is QspiSource {
  return q !== null && q.mapped && q.qspiHz > 0 && (q.dataLines === 1 || q.dataLines === 2 || q.dataLines === 4);
}

/**
 * Builds the bus timing configuration from the SoC's current state. An SDRAM or QUADSPI setup the model
 * cannot price yet (not initialised, not memory-mapped, fields out of range) gives null for that part.
 */
export function busTimingFromSoc(clocks: ClockSource, flashWaitStates: number, sdram: SdramSource | null, qspi: QspiSource | null): BusTimingConfig {
  return {
    cpuHz: clocks.cpu,
    axiHz: clocks.hclk,
    ahbHz: clocks.hclk,
    apbHz: clocks.pclk1,
    flashWaitStates,
    sdram: sdramUsable(sdram)
        ? {
            sdclkHz: sdram.sdclkHz,
            casLatency: sdram.casLatency,
            trcd: sdram.trcd,
            trp: sdram.trp,
            columnBits: sdram.columnBits,
            rowBits: sdram.rowBits,
            internalBanks: sdram.internalBanks,
            busWidthBits: sdram.busWidthBits,
            readBurst: sdram.readBurst,
            readPipe: sdram.readPipe,
            refreshCount: sdram.refreshCount,
          }
        : null,
    qspi: qspiUsable(qspi)
        ? {
            clockHz: qspi.qspiHz,
            instructionLines: qspi.instructionLines,
            addressLines: qspi.addressLines,
            addressBytes: qspi.addressBytes,
            alternateLines: qspi.alternateLines,
            alternateBytes: qspi.alternateBytes,
            dummyCycles: qspi.dummyCycles,
            dataLines: qspi.dataLines,
            ddr: qspi.ddr,
            sendInstructionOnlyOnce: qspi.sendInstructionOnce,
            csHighCycles: qspi.chipSelectHighCycles,
            timeoutCycles: qspi.timeoutCounterEnabled ? qspi.timeoutCycles : 0,
          }
        : null,
  };
}

/** What the timing model needs of the core's MPU (packages/core/src/scs/mpu.ts). */
export interface MpuSource {
  /** Packed attributes: bits 1:0 type (0 SO, 1 Device, 2 Normal), bit 2 shareable, bits 4:3 inner policy. */
  lookup(addr: number, isWrite: boolean, isFetch: boolean, privileged: boolean): number;
  onChange: (() => void) | null;
}

/** Inner policy field (B3.5.7 Table B3-14): 0 non-cacheable, 1 WBWA, 2 WT, 3 WB no write allocate. */
const INNER_POLICY = [ATTR_NORMAL_UNCACHED, ATTR_WBWA, ATTR_WT, ATTR_WB_NO_WA];

/** Converts one packed MPU lookup result into L1 attributes. */
export function l1AttributesFromMpu(packed: number): number {
  const shareable = (packed & 4) !== 0 ? L1Attr.Shareable : 0;
  if ((packed & 3) !== 2) return ATTR_DEVICE | shareable;
  return INNER_POLICY[(packed >>> 3) & 3] | shareable;
}

/**
 * Makes the model's memory system read attributes through the MPU, and re-read them whenever the MPU
 * changes (chaining any onChange handler already installed). Returns the attribute source.
 */
export function attachMpu(memory: { setAttributeSource(s: AttributeSource | null): void; attributesChanged(): void }, mpu: MpuSource): AttributeSource {
  const source: AttributeSource = {
    attributes: (address: number, isFetch: boolean) => l1AttributesFromMpu(mpu.lookup(address, false, isFetch, true)),
  };
  memory.setAttributeSource(source);
  const previous = mpu.onChange;
  mpu.onChange = () => {
    previous?.();
    memory.attributesChanged();
  };
  return source;
}
