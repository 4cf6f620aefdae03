import { Cd4021Chain, type GpioPort, type GpioPortName } from '@seedsim/soc';

/**
 * A Daisy Field's init: libDaisy's DaisyField::Init, or DaisyDuino's DaisyHardware::InitField (Arduino),
 * which read the same two CD4021s on the same pins. The image is a Field app; the board wires the keyboard.
 */
export const FIELD_INIT_SYMBOL = /^(_ZN5daisy10DaisyField4Init|_ZN13DaisyHardware9InitField)/;

/** Whether the image is a Daisy Field app (it links a Field init, FIELD_INIT_SYMBOL), whose keyboard the board wires up. */
export function isFieldApp(symbols: { readonly all: readonly { readonly name: string }[] }): boolean {
  return symbols.all.some((s) => FIELD_INIT_SYMBOL.test(s.name));
}

/** A key of the Daisy Field pressed or released at a simulated time (seconds since power-on). */
export interface TimedKey {
  seconds: number;
  /** As libDaisy's DaisyField::KeyboardState(idx) numbers the 16 keys: 0–15. */
  key: number;
  pressed: boolean;
}

/**
 * The Daisy Field's keyboard: 16 key switches with pull-ups into two daisy-chained CD4021s, latch (P/S) on
 * PG9 (seed D27), clock on PA2 (D28), serial data into PD11 (D26) (libDaisy src/daisy_field.cpp). A
 * released key reads 1, a pressed one 0.
 */
export class FieldKeyboard {
  readonly chain: Cd4021Chain;

  constructor(gpio: Readonly<Record<GpioPortName, GpioPort>>) {
    this.chain = new Cd4021Chain(2, (level) => gpio.D.setInputLevel(11, level));
    gpio.G.onOutputChange((pin, level) => {
      if (pin === 9) this.chain.setLatch(level);
    });
    gpio.A.onOutputChange((pin, level) => {
      if (pin === 2) this.chain.setClock(level);
    });
  }

  /** Presses or releases a key, numbered as DaisyField::KeyboardState(idx). */
  setKey(key: number, pressed: boolean): void {
    if (!Number.isInteger(key) || key < 0 || key > 15) throw new Error(`Daisy Field: no key ${key} (0–15)`);
    // DaisyField::ProcessDigitalControls keeps register state i as key (7 - i % 8) + (i > 7 ? 8 : 0), and
    // ShiftRegister4021::Update stores the bit it reads after r clock edges as state 15 - r.
    const state = 7 - (key % 8) + (key > 7 ? 8 : 0);
    this.chain.setInput(15 - state, !pressed);
  }
}
