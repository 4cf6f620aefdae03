import type { AccessSize } from '@seedsim/core';

/**
 * A memory window the SystemBus forwards whole address ranges to, e.g. the QUADSPI memory-mapped
 * window at 0x9000_0000 or FMC SDRAM at 0xC000_0000 (AN4891 Table 6). Addresses are absolute.
 * The device decides what an access means (a rule for SDRAM before FMC init, a BusError for a read of
 * QSPI while not memory-mapped) and throws {@link BusError} for accesses the hardware would refuse.
 */
export interface MemoryDevice {
  readonly name: string;
  /** Reads `size` bytes (little-endian) at `addr`. Unaligned accesses arrive here as they are. */
  read(addr: number, size: AccessSize): number;
  write(addr: number, value: number, size: AccessSize): void;
  /** Side-effect-free read for debuggers and observers (no rules). Defaults to the backing bytes. */
  peek?(addr: number, size: AccessSize): number;
  /** Side-effect-free write for debuggers. */
  poke?(addr: number, value: number, size: AccessSize): void;
  /** Loader access: writes the backing store with no side effects (e.g. a QSPI flash image). */
  loadImage?(addr: number, bytes: Uint8Array): void;
  /**
   * True when a read can change nothing and its value changes only by a write or a command through
   * other registers (which the bus counts), like flash behind a memory-mapped window: such reads are
   * not counted in Bus.deviceAccesses, so a loop that reads constants from the window can be skipped as
   * idle (MmioDevice.eventStableRead is the same promise for a register).
   */
  readonly eventStableReads?: boolean;
}
