/**
 * The voltages the board puts on the STM32H750's analog inputs (knobs, CV jacks), as fractions of
 * VREF+ from 0 to 1. A pin nobody set reads `defaultLevel`, mid-scale by default, as a knob left at
 * its centre would. Pins are named as in the datasheet pin list: 'PC4', 'PA0_C' (the dedicated analog
 * pads of the H750 are 'PA0_C', 'PA1_C', 'PC2_C', 'PC3_C').
 */
export class AnalogInputs {
  private readonly levels = new Map<string, number>();

  constructor(private defaultValue = 0.5) {
    checkLevel('default', defaultValue);
  }

  get defaultLevel(): number {
    return this.defaultValue;
  }

  set defaultLevel(level: number) {
    checkLevel('default', level);
    this.defaultValue = level;
  }

  /** Sets the voltage on `pin` (fraction of VREF+), or returns it to the default with undefined. */
  set(pin: string, level: number | undefined): void {
    const name = normalisePin(pin);
    if (level === undefined) this.levels.delete(name);
    else {
      checkLevel(name, level);
      this.levels.set(name, level);
    }
  }

  /** The voltage on `pin` as a fraction of VREF+. */
  level(pin: string): number {
    return this.levels.get(pin) ?? this.defaultValue;
  }
}

const PIN_NAME = /^P([A-K])(\d{1,2})(_C)?$/;

/** 'pc4' → 'PC4'; throws on anything that is not a port pin. */
export function normalisePin(pin: string): string {
  const upper = pin.trim().toUpperCase();
  const m = PIN_NAME.exec(upper);
  if (!m || Number(m[2]) > 15) throw new Error(`analog input: '${pin}' is not a pin name (expected e.g. PC4 or PA0_C)`);
  return `P${m[1]}${Number(m[2])}${m[3] ?? ''}`;
}

function checkLevel(pin: string, level: number): void {
  if (!(level >= 0 && level <= 1)) throw new Error(`analog input ${pin}: level ${level} is outside 0…1 (a fraction of VREF+)`);
}
