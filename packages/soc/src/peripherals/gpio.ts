import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

export const GPIO_BASE = 0x58020000;
export const GPIO_PORT_NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K'] as const;
export type GpioPortName = (typeof GPIO_PORT_NAMES)[number];

/** Register offsets (RM0433 GPIO chapter). */
export const GPIO = {
  MODER: 0x00,
  OTYPER: 0x04,
  OSPEEDR: 0x08,
  PUPDR: 0x0c,
  IDR: 0x10,
  ODR: 0x14,
  BSRR: 0x18,
  LCKR: 0x1c,
  AFRL: 0x20,
  AFRH: 0x24,
} as const;

/**
 * Port reset values (RM0433 GPIO chapter: MODER, OSPEEDR, PUPDR; ports A and B hold the JTAG/SWD pins).
 * The SVD derives every port from GPIOA, so its values for B–K are wrong; these are used instead.
 */
function resetValues(port: number): { moder: number; ospeedr: number; pupdr: number } {
  if (port === 0) return { moder: 0xabffffff, ospeedr: 0x0c000000, pupdr: 0x64000000 };
  if (port === 1) return { moder: 0xfffffebf, ospeedr: 0x000000c0, pupdr: 0x00000100 };
  return { moder: 0xffffffff, ospeedr: 0, pupdr: 0 };
}

export type PinListener = (pin: number, level: boolean) => void;

/**
 * One GPIO port (GPIOA … GPIOK at 0x5802_0000 + 0x400·n). IDR is computed per pin (RM0433 GPIO chapter):
 * output pins read back their output level (open-drain high reads the external level or pull);
 * input and alternate-function pins read the level the board drives (setInputLevel), else their pull
 * (pull-up 1, pull-down 0, floating `floatingLevel`); analog pins read 0.
 */
export class GpioPort extends RegisterBlock {
  readonly port: number;
  /** Level read by a floating input with nothing driving it (physically undefined; default 0). */
  floatingLevel = false;
  private driven = 0;
  private drivenLevels = 0;
  private readonly listeners: PinListener[] = [];
  private readonly inputListeners: PinListener[] = [];

  constructor(context: SocContext, port: GpioPortName) {
    const index = GPIO_PORT_NAMES.indexOf(port);
    if (index < 0) throw new Error(`GpioPort: no port ${port}`);
    super(`GPIO${port}`, GPIO_BASE + 0x400 * index, 0x400, context);
    this.port = index;
    const r = resetValues(index);
    this.regs[GPIO.MODER >>> 2] = r.moder;
    this.regs[GPIO.OSPEEDR >>> 2] = r.ospeedr;
    this.regs[GPIO.PUPDR >>> 2] = r.pupdr;
    this.stored(GPIO.MODER, GPIO.OTYPER, GPIO.OSPEEDR, GPIO.PUPDR, GPIO.LCKR, GPIO.AFRL, GPIO.AFRH);
    // Not IDR: input levels are set from outside the clock (setInputLevel: board straps, a host's buttons).
    this.eventStable(GPIO.MODER, GPIO.OTYPER, GPIO.OSPEEDR, GPIO.PUPDR, GPIO.ODR, GPIO.BSRR, GPIO.LCKR, GPIO.AFRL, GPIO.AFRH);
  }

  /** Drives an external level on `pin` (0–15), or releases it with undefined. */
  setInputLevel(pin: number, level: boolean | undefined): void {
    if (!Number.isInteger(pin) || pin < 0 || pin > 15) throw new Error(`${this.name}: no pin ${pin}`);
    const before = this.level(pin);
    const bit = 1 << pin;
    if (level === undefined) {
      this.driven &= ~bit;
      this.drivenLevels &= ~bit;
    } else {
      this.driven |= bit;
      this.drivenLevels = level ? this.drivenLevels | bit : this.drivenLevels & ~bit;
    }
    const after = this.level(pin);
    if (after !== before) for (const l of this.inputListeners) l(pin, after);
  }

  /** Called with (pin, level) when a level driven by the board changes what IDR reads (EXTI wiring). */
  onInputChange(listener: PinListener): void {
    this.inputListeners.push(listener);
  }

  /** Called with (pin, level) whenever the ODR level of a pin in output mode changes. */
  onOutputChange(listener: PinListener): void {
    this.listeners.push(listener);
  }

  /** The alternate function number (0–15) AFRL/AFRH select for a pin (used when its MODER is 2). */
  alternateFunction(pin: number): number {
    const afr = this.regs[(pin < 8 ? GPIO.AFRL : GPIO.AFRH) >>> 2];
    return (afr >>> (4 * (pin & 7))) & 0xf;
  }

  /** MODER value of a pin: 0 input, 1 output, 2 alternate function, 3 analog. */
  mode(pin: number): number {
    return (this.regs[GPIO.MODER >>> 2] >>> (2 * pin)) & 3;
  }

  /** The level on the pin as IDR would read it. */
  level(pin: number): boolean {
    return ((this.inputData() >>> pin) & 1) !== 0;
  }

  get odr(): number {
    return this.regs[GPIO.ODR >>> 2];
  }

  private inputData(): number {
    const moder = this.regs[GPIO.MODER >>> 2];
    const pupdr = this.regs[GPIO.PUPDR >>> 2];
    const otyper = this.regs[GPIO.OTYPER >>> 2];
    const odr = this.regs[GPIO.ODR >>> 2];
    let idr = 0;
    for (let pin = 0; pin < 16; pin++) {
      const bit = 1 << pin;
      const mode = (moder >>> (2 * pin)) & 3;
      if (mode === 3) continue; // analog: Schmitt trigger off, reads 0
      let level: boolean;
      if (mode === 1 && !((otyper & bit) && (odr & bit))) level = (odr & bit) !== 0;
      else if (this.driven & bit) level = (this.drivenLevels & bit) !== 0;
      else {
        const pull = (pupdr >>> (2 * pin)) & 3;
        level = pull === 1 ? true : pull === 2 ? false : this.floatingLevel;
      }
      if (level) idr |= bit;
    }
    return idr;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset === GPIO.IDR) return this.inputData();
    if (offset === GPIO.BSRR) return 0; // write-only
    if (offset === GPIO.ODR) return this.regs[GPIO.ODR >>> 2];
    return undefined;
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case GPIO.IDR:
        return true; // read-only
      case GPIO.ODR:
        this.setOdr(value & 0xffff);
        return true;
      case GPIO.BSRR: {
        // RM0433 GPIO chapter: BRy resets, BSy sets; BSy wins when both are written.
        const odr = this.regs[GPIO.ODR >>> 2];
        this.setOdr(((odr & ~(value >>> 16)) | (value & 0xffff)) & 0xffff);
        return true;
      }
      default:
        return false;
    }
  }

  private setOdr(next: number): void {
    const old = this.regs[GPIO.ODR >>> 2];
    this.regs[GPIO.ODR >>> 2] = next;
    const changed = old ^ next;
    if (changed === 0 || this.listeners.length === 0) return;
    for (let pin = 0; pin < 16; pin++) {
      if (changed & (1 << pin) && this.mode(pin) === 1) for (const l of this.listeners) l(pin, ((next >>> pin) & 1) !== 0);
    }
  }
}
