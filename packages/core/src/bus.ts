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
}

export type BusErrorKind = 'bus' | 'mpu';

export class BusError extends Error {
  constructor(
    readonly address: number,
    readonly isWrite: boolean,
    readonly reason: string,
    readonly kind: BusErrorKind = 'bus',
  ) {
    super(`${kind === 'mpu' ? 'MPU violation' : 'bus error'} on ${isWrite ? 'write' : 'read'} at 0x${(address >>> 0).toString(16).padStart(8, '0')}: ${reason}`);
    this.name = 'BusError';
  }
}
