import { BusError, type Bus } from '@seedsim/core';

/** One data access the core made during a step. */
export interface AccessRecord {
  address: number;
  size: number;
  isWrite: boolean;
  /** The memory's value before the access (for reads: the value read). */
  before: number;
}

const MAX_RECORDS = 64;

/**
 * Little-endian RAM ranges for the core under test that also remember the data accesses of the
 * current step (address, size, the old value), so a mismatch report can list the memory a
 * reproducer needs. Records live in preallocated arrays: recording allocates nothing.
 */
export class RecordingBus implements Bus {
  private readonly bases: number[] = [];
  private readonly arrays: Uint8Array[] = [];
  readonly recAddress = new Uint32Array(MAX_RECORDS);
  readonly recSize = new Uint8Array(MAX_RECORDS);
  readonly recWrite = new Uint8Array(MAX_RECORDS);
  readonly recBefore = new Uint32Array(MAX_RECORDS);
  recCount = 0;

  addRange(base: number, bytes: Uint8Array): void {
    this.bases.push(base >>> 0);
    this.arrays.push(bytes);
  }

  /** Forgets the accesses recorded so far. */
  clearRecords(): void {
    this.recCount = 0;
  }

  records(): AccessRecord[] {
    const out: AccessRecord[] = [];
    for (let i = 0; i < this.recCount; i++) {
      out.push({ address: this.recAddress[i], size: this.recSize[i], isWrite: this.recWrite[i] === 1, before: this.recBefore[i] });
    }
    return out;
  }

  read8(addr: number): number {
    return this.access(addr, 1, false);
  }
  read16(addr: number): number {
    return this.access(addr, 2, false);
  }
  read32(addr: number): number {
    return this.access(addr, 4, false);
  }
  write8(addr: number, value: number): void {
    this.access(addr, 1, true, value);
  }
  write16(addr: number, value: number): void {
    this.access(addr, 2, true, value);
  }
  write32(addr: number, value: number): void {
    this.access(addr, 4, true, value);
  }
  fetch16(addr: number): number {
    const [bytes, offset] = this.locate(addr, 2, false);
    return bytes[offset] | (bytes[offset + 1] << 8);
  }

  private access(addr: number, size: number, isWrite: boolean, value = 0): number {
    const [bytes, offset] = this.locate(addr, size, isWrite);
    let old = 0;
    for (let i = size - 1; i >= 0; i--) old = (old << 8) | bytes[offset + i];
    old >>>= 0;
    if (this.recCount < MAX_RECORDS) {
      const k = this.recCount++;
      this.recAddress[k] = addr >>> 0;
      this.recSize[k] = size;
      this.recWrite[k] = isWrite ? 1 : 0;
      this.recBefore[k] = old;
    }
    if (isWrite) for (let i = 0; i < size; i++) bytes[offset + i] = (value >>> (8 * i)) & 0xff;
    return old;
  }

  private readonly found: [Uint8Array, number] = [new Uint8Array(0), 0];

  private locate(addr: number, size: number, isWrite: boolean): [Uint8Array, number] {
    const a = addr >>> 0;
    for (let i = 0; i < this.bases.length; i++) {
      const offset = a - this.bases[i];
      if (offset >= 0 && offset + size <= this.arrays[i].length) {
        this.found[0] = this.arrays[i];
        this.found[1] = offset;
        return this.found;
      }
    }
    throw new BusError(a, isWrite, 'outside the oracle memory (code and scratch areas)');
  }
}
