import type { Clock } from '@seedsim/core';

/**
 * ISSI IS25LP064A, the Daisy Seed's 8 MB QSPI NOR flash (libdaisy-facts §5, hw-facts §5.3), at the
 * command level: the QUADSPI controller hands it one transaction (instruction, address, alternate
 * bytes, dummy cycles, data) at a time.
 *
 * NOR semantics: erased bytes read 0xFF; programming can only clear bits (1 → 0); a page program
 * wraps within its 256-byte page; program, erase and status writes need WEL (set by WRITE ENABLE
 * 0x06) and keep WIP = 1 for the chip's busy time, during which only status reads are answered.
 */
export const QSPI_FLASH_SIZE = 8 * 1024 * 1024;
export const QSPI_FLASH_PAGE = 256;
/** JEDEC ID (0x9F): manufacturer ISSI 0x9D, memory type 0x60, capacity 0x17 (64 Mbit). */
export const IS25LP064A_JEDEC_ID = [0x9d, 0x60, 0x17] as const;

/**
 * Busy times in seconds: the typical values of the IS25LP064A datasheet's program/erase timing table
 * (tPP, tSE, tBE32, tBE64, tCE, tW). Quoted from memory of ISSI's datasheet (Rev. B) and not
 * re-checked against the PDF here: treat as parameters (the board may pass its own).
 */
export interface FlashBusyTimes {
  pageProgram: number;
  sectorErase4k: number;
  blockErase32k: number;
  blockErase64k: number;
  chipErase: number;
  writeStatus: number;
}

export const IS25LP064A_TYPICAL_TIMES: FlashBusyTimes = {
  pageProgram: 0.2e-3,
  sectorErase4k: 70e-3,
  blockErase32k: 0.1,
  blockErase64k: 0.15,
  chipErase: 10,
  writeStatus: 2e-3,
};

// Status register bits (IS25LP064A datasheet, "Status Register").
export const SR_WIP = 1 << 0;
export const SR_WEL = 1 << 1;
export const SR_QE = 1 << 6;

/** One QSPI transaction as the controller frames it. Line counts are 0 (phase absent), 1, 2 or 4. */
export interface FlashTransaction {
  instruction: number;
  instructionLines: number;
  address: number;
  addressLines: number;
  addressBytes: number;
  alternateLines: number;
  alternateBytes: number;
  dummyCycles: number;
  dataLines: number;
}

/** What the chip says about a transaction it did not carry out (the controller turns it into a rule). */
export type FlashComplaint = { rule: 'qspi-flash-busy' | 'qspi-write-not-enabled' | 'qspi-quad-without-qe'; detail: string } | null;

/**
 * Dummy cycles (mode-bit clocks included) the chip expects for QUAD I/O FAST READ 0xEB, by read
 * parameter bits P4:3 (IS25LP064A datasheet "Read Parameters", dummy cycle table). Consistent with
 * libDaisy's working setup: parameters 0xF0 (P4:3 = 10 → 8) against 2 mode clocks + 6 dummy cycles.
 */
const QUAD_IO_READ_DUMMY = [6, 4, 8, 10] as const;

export class Is25lp064a {
  readonly memory = new Uint8Array(QSPI_FLASH_SIZE).fill(0xff);
  /** Status register without WIP (computed from `busyUntil`). */
  status: number;
  /** Volatile read parameters (0xC0/0x63); power-up default 0 (non-volatile copy not modelled). */
  readParameters = 0;
  /** Cycle at which the current program/erase/status write ends. */
  busyUntil = 0;
  private resetEnabled = false;

  constructor(
    private readonly clock: Clock,
    private readonly cpuHz: () => number,
    readonly times: FlashBusyTimes = IS25LP064A_TYPICAL_TIMES,
    /**
     * Power-on status register. QE (bit 6) is non-volatile and libDaisy and the Daisy bootloader set it
     * on every boot (libdaisy-facts §5 steps 4 and 8), so a Daisy's flash powers up with QE = 1; pass 0
     * for a factory-fresh chip.
     */
    initialStatus = SR_QE,
  ) {
    this.status = initialStatus & 0xfc;
  }

  /** Loads image bytes at `offset` (board/loader use: no program semantics). */
  load(offset: number, bytes: Uint8Array): void {
    if (offset < 0 || offset + bytes.length > QSPI_FLASH_SIZE) {
      throw new RangeError(`IS25LP064A: image of ${bytes.length} bytes at 0x${offset.toString(16)} does not fit in 8 MB`);
    }
    this.memory.set(bytes, offset);
  }

  get busy(): boolean {
    return this.clock.cycles < this.busyUntil;
  }

  /** The status register as a read returns it now: WIP and WEL stay 1 until a busy operation ends. */
  statusNow(): number {
    return this.busy ? this.status | SR_WIP | SR_WEL : this.status;
  }

  /** Dummy cycles (including mode clocks) the chip expects for `instruction`, or −1 if not checked. */
  expectedReadDummy(instruction: number): number {
    if (instruction === 0xeb) return QUAD_IO_READ_DUMMY[(this.readParameters >>> 3) & 3];
    return -1;
  }

  /** Is `instruction` a read of the array (answered in memory-mapped mode)? */
  static isArrayRead(instruction: number): boolean {
    return instruction === 0x03 || instruction === 0x0b || instruction === 0x3b || instruction === 0x6b || instruction === 0xbb || instruction === 0xeb;
  }

  /** Transactions with no data phase, or with data the controller sends (writes). */
  write(tx: FlashTransaction, data: Uint8Array, length: number): FlashComplaint {
    const op = tx.instruction;
    if (this.busy && op !== 0x05 && op !== 0x66 && op !== 0x99) {
      return { rule: 'qspi-flash-busy', detail: `instruction 0x${op.toString(16)} ignored: a program/erase is in progress (WIP = 1)` };
    }
    if (op === 0x66) {
      this.resetEnabled = true;
      return null;
    }
    const resetEnabled = this.resetEnabled;
    this.resetEnabled = false;
    switch (op) {
      case 0x99:
        if (resetEnabled) this.softwareReset();
        return null;
      case 0x06:
        this.status |= SR_WEL;
        return null;
      case 0x04:
        this.status &= ~SR_WEL;
        return null;
      case 0x01: // write status register: BP0–3, QE, SRWD (bits 7:2); WIP/WEL are read-only
        if (!this.takeWel()) return notEnabled(op);
        if (length > 0) this.status = (this.status & 3) | (data[0] & 0xfc);
        this.startBusy(this.times.writeStatus);
        return null;
      case 0xc0:
      case 0x63: // set read parameters (volatile): no WEL needed
        if (length > 0) this.readParameters = data[0];
        return null;
      case 0x65: // set read parameters (non-volatile): needs WEL, busy for tW; volatile copy follows
        if (!this.takeWel()) return notEnabled(op);
        if (length > 0) this.readParameters = data[0];
        this.startBusy(this.times.writeStatus);
        return null;
      case 0x02:
      case 0x32:
      case 0x38:
        if (op !== 0x02 && (this.status & SR_QE) === 0) return quadWithoutQe(op);
        if (!this.takeWel()) return notEnabled(op);
        this.program(tx.address, data, length);
        this.startBusy(this.times.pageProgram);
        return null;
      case 0x20:
      case 0xd7:
        return this.erase(op, tx.address, 4096, this.times.sectorErase4k);
      case 0x52:
        return this.erase(op, tx.address, 32 * 1024, this.times.blockErase32k);
      case 0xd8:
        return this.erase(op, tx.address, 64 * 1024, this.times.blockErase64k);
      case 0xc7:
      case 0x60:
        return this.erase(op, 0, QSPI_FLASH_SIZE, this.times.chipErase);
      default:
        return null; // unknown no-data commands are ignored by the chip
    }
  }

  /** Transactions whose data the chip sends (reads). Fills `out[0..length)`. */
  read(tx: FlashTransaction, out: Uint8Array, length: number): FlashComplaint {
    const op = tx.instruction;
    this.resetEnabled = false;
    if (op === 0x05) {
      for (let i = 0; i < length; i++) out[i] = this.statusNow();
      return null;
    }
    if (this.busy) {
      out.fill(0xff, 0, length);
      return { rule: 'qspi-flash-busy', detail: `read 0x${op.toString(16)} while a program/erase is in progress: the chip does not answer` };
    }
    switch (op) {
      case 0x9f:
        for (let i = 0; i < length; i++) out[i] = i < 3 ? IS25LP064A_JEDEC_ID[i] : 0;
        return null;
      case 0x61:
        out.fill(this.readParameters, 0, length);
        return null;
      default:
        if (Is25lp064a.isArrayRead(op)) {
          if ((op === 0x6b || op === 0xeb) && (this.status & SR_QE) === 0) {
            out.fill(0xff, 0, length);
            return quadWithoutQe(op);
          }
          this.readArray(tx.address, out, length);
          return null;
        }
        out.fill(0xff, 0, length);
        return null;
    }
  }

  /** Array bytes from `address`, wrapping at the end of the 8 MB array. */
  readArray(address: number, out: Uint8Array, length: number): void {
    let a = address & (QSPI_FLASH_SIZE - 1);
    for (let i = 0; i < length; i++) {
      out[i] = this.memory[a];
      a = (a + 1) & (QSPI_FLASH_SIZE - 1);
    }
  }

  private softwareReset(): void {
    this.status &= ~SR_WEL; // QE and BP bits are non-volatile and survive the reset
    this.readParameters = 0;
  }

  private takeWel(): boolean {
    if ((this.status & SR_WEL) === 0) return false;
    this.status &= ~SR_WEL; // cleared when the operation completes; statusNow() shows it set while busy
    return true;
  }

  private startBusy(seconds: number): void {
    this.busyUntil = this.clock.cycles + Math.round(seconds * this.cpuHz());
  }

  /** Page program: bits only go 1 → 0; the address wraps inside its 256-byte page. */
  private program(address: number, data: Uint8Array, length: number): void {
    const page = address & (QSPI_FLASH_SIZE - 1) & ~(QSPI_FLASH_PAGE - 1);
    let column = address & (QSPI_FLASH_PAGE - 1);
    // More than 256 bytes: only the last 256 are kept (datasheet "Page Program").
    const start = length > QSPI_FLASH_PAGE ? length - QSPI_FLASH_PAGE : 0;
    if (start > 0) column = (column + start) & (QSPI_FLASH_PAGE - 1);
    for (let i = start; i < length; i++) {
      this.memory[page + column] &= data[i];
      column = (column + 1) & (QSPI_FLASH_PAGE - 1);
    }
  }

  private erase(op: number, address: number, size: number, seconds: number): FlashComplaint {
    if (!this.takeWel()) return notEnabled(op);
    const start = address & (QSPI_FLASH_SIZE - 1) & ~(size - 1);
    this.memory.fill(0xff, start, start + size);
    this.startBusy(seconds);
    return null;
  }
}

function notEnabled(op: number): FlashComplaint {
  return { rule: 'qspi-write-not-enabled', detail: `instruction 0x${op.toString(16)} ignored: WEL = 0 (no WRITE ENABLE 0x06 before it)` };
}

function quadWithoutQe(op: number): FlashComplaint {
  return { rule: 'qspi-quad-without-qe', detail: `quad instruction 0x${op.toString(16)} with status QE = 0: IO2/IO3 are WP#/HOLD#, the transfer is garbage` };
}
