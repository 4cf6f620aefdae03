import type { I2cTarget } from './i2c-bus.js';

/** One control-register write as the codec received it. */
export interface Wm8731Write {
  readonly register: number;
  readonly value: number;
}

/**
 * Wolfson/Cirrus WM8731 audio codec control interface, 2-wire mode (WM8731 datasheet "Software
 * control interface"): each write is two bytes, B15–B9 = register address, B8–B0 = data. Address
 * 0x1A with CSB low (Daisy Seed 1.1, libdaisy-facts §8). Writing register 0x0F resets the registers to
 * their defaults.
 * It records every write; reads are not supported by the chip (the 2-wire interface is write-only).
 */
/** Register defaults R0–R9 (WM8731 datasheet register map). */
const WM8731_DEFAULTS = [0x097, 0x097, 0x079, 0x079, 0x00a, 0x008, 0x09f, 0x00a, 0x000, 0x000];

export class Wm8731 implements I2cTarget {
  readonly registers = new Uint16Array(16);
  readonly writes: Wm8731Write[] = [];
  private readonly pending: number[] = [];
  private readonly listeners: ((write: Wm8731Write) => void)[] = [];

  constructor(readonly address = 0x1a) {
    this.registers.set(WM8731_DEFAULTS);
  }

  onWrite(listener: (write: Wm8731Write) => void): void {
    this.listeners.push(listener);
  }

  start(isRead: boolean): boolean {
    this.pending.length = 0;
    return !isRead; // the 2-wire interface has no read-back: a read address is not acknowledged
  }

  write(byte: number): boolean {
    this.pending.push(byte & 0xff);
    if (this.pending.length === 2) {
      const register = this.pending[0] >>> 1;
      const value = ((this.pending[0] & 1) << 8) | this.pending[1];
      this.pending.length = 0;
      if (register === 0x0f) {
        this.registers.fill(0);
        this.registers.set(WM8731_DEFAULTS);
      }
      else if (register < 16) this.registers[register] = value;
      const write = { register, value };
      this.writes.push(write);
      for (const l of this.listeners) l(write);
    }
    return true;
  }

  read(): number {
    return 0xff;
  }

  stop(): void {
    this.pending.length = 0;
  }
}
