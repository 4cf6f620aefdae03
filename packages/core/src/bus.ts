/**
 * What the core sees of the memory system. Addresses are unsigned 32-bit numbers.
 * An access the system cannot complete throws {@link BusError}; the core turns it into a BusFault
 * (ARMv7-M ARM B3.2.15 CFSR.BFSR), or a MemManage fault when `kind` says the MPU refused it.
 */
export interface Bus {
  read8(addr: number): number;
  read16(addr: number): number;
  read32(addr: number): number;
  write8(addr: number, value: number): void;
  write16(addr: number, value: number): void;
  write32(addr: number, value: number): void;
  /** One halfword of instruction fetch (Thumb). */
  fetch16(addr: number): number;
  /**
   * Optional: a count of accesses that reached a device (peripheral registers, the PPB, memory windows
   * with behaviour), which can answer differently over time. A bus that keeps it lets the core recognise
   * an idle polling loop (Cpu, idle-loop skipping); without it the core never skips one. Reads a device
   * declares event-stable (MmioDevice.eventStableRead: the value changes only at a clock event or by a
   * write, and reading has no side effect) are not counted; every write and every other read is.
   */
  readonly deviceAccesses?: number;
}

/**
 * 'bus': BusFault (PRECISERR/IBUSERR); 'mpu': MemManage; 'unaligned': UsageFault UNALIGNED, raised by
 * the bus for an unaligned access to Device or Strongly-ordered memory (ARMv7-M ARM A3.2.1).
 */
export type BusErrorKind = 'bus' | 'mpu' | 'unaligned';

export class BusError extends Error {
  constructor(
    readonly address: number,
    readonly isWrite: boolean,
    readonly reason: string,
    readonly kind: BusErrorKind = 'bus',
  ) {
    super(`${kind === 'mpu' ? 'MPU violation' : kind === 'unaligned' ? 'unaligned access' : 'bus error'} on ${isWrite ? 'write' : 'read'} at 0x${(address >>> 0).toString(16).padStart(8, '0')}: ${reason}`);
    this.name = 'BusError';
  }
}
