import type { Clock } from './clock.js';

/** Width of a bus access in bytes. */
export type AccessSize = 1 | 2 | 4;

/**
 * A memory-mapped peripheral: one base class for all (STYLE.md, rp2040js' room structure).
 * `offset` is relative to the device base. Sub-word accesses default to a read-modify-write of the
 * containing word; devices whose registers react to byte writes (NVIC IPR, SAI/SPI data registers)
 * override readByte/writeByte or read/write directly.
 */
export abstract class MmioDevice {
  constructor(
    readonly name: string,
    readonly base: number,
    readonly size: number,
  ) {}

  /** Reads a 32-bit register at a word-aligned offset. */
  abstract readWord(offset: number): number;
  /** Writes a 32-bit register at a word-aligned offset. */
  abstract writeWord(offset: number, value: number): void;

  /**
   * True when a read at `offset` is event-stable: the register's value can change only at a clock event
   * (a scheduled Clock callback of this device or another) or through a bus write, and reading it has
   * no side effect. The bus leaves such reads out of Bus.deviceAccesses, so a loop that polls only them
   * (`while (!(SPI1->SR & TXP))`) counts as idle and is skipped to the next clock event. Answered
   * before the read, from the device's state then. Default: false. Never true for a read-to-clear
   * register, a FIFO or pop register, a value computed from clock.cycles at read time (a timer's CNT),
   * or an input driven from outside the clock (a GPIO pin level set by the host).
   */
  eventStableRead(_offset: number): boolean {
    return false;
  }

  read(offset: number, size: AccessSize): number {
    const word = this.readWord(offset & ~3);
    if (size === 4) return word >>> 0;
    const shift = (offset & 3) * 8;
    return size === 2 ? (word >>> shift) & 0xffff : (word >>> shift) & 0xff;
  }

  write(offset: number, value: number, size: AccessSize): void {
    if (size === 4) {
      this.writeWord(offset & ~3, value >>> 0);
      return;
    }
    const shift = (offset & 3) * 8;
    const mask = (size === 2 ? 0xffff : 0xff) << shift;
    const old = this.readWord(offset & ~3);
    this.writeWord(offset & ~3, ((old & ~mask) | ((value << shift) & mask)) >>> 0);
  }
}

/** What every peripheral can reach of the rest of the system. */
export interface SocContext {
  readonly clock: Clock;
  /** Reports an access to a register the model does not implement (once per register). */
  unmodelled(device: string, offset: number, isWrite: boolean, value: number): void;
  /** Raises (level = true) or clears an NVIC interrupt line (IRQ number, not exception number). */
  setIrq(irq: number, level: boolean): void;
  /**
   * Reports a broken rule (DESIGN.md principle 6), e.g. 'sdram-before-init'. The board adds the cycle,
   * PC, function, data symbol and call stack; `detail` says what the hardware would have done.
   */
  rule(rule: string, address: number, isWrite: boolean, detail: string): void;
}
