import type { SocContext } from '@seedsim/core';
import type { SystemBus } from '../system-bus.js';
import { DAISY_OSCILLATORS, type Oscillators } from './clock-tree.js';
import { Dbgmcu } from './dbgmcu.js';
import { Exti } from './exti.js';
import { Flash } from './flash.js';
import { GPIO_PORT_NAMES, GpioPort, type GpioPortName } from './gpio.js';
import { I2C_INSTANCES, I2cController, type I2cName } from './i2c.js';
import { Pwr } from './pwr.js';
import { Rcc } from './rcc.js';
import { Rng } from './rng.js';
import { Crc } from './crc.js';
import { Syscfg } from './syscfg.js';
import { GENERAL_PURPOSE_TIMERS, GeneralPurposeTimer, type GeneralPurposeTimerName } from './tim.js';
import { USART_INSTANCES, Usart, usartClocksFrom, type UsartName } from './usart.js';
import { USB_OTG_INSTANCES, UsbOtg, type UsbOtgName } from './usb-otg.js';

/** The clock, power, GPIO, timer and serial peripherals of the STM32H750, created and mapped together. */
export interface SystemPeripherals {
  readonly rcc: Rcc;
  readonly pwr: Pwr;
  readonly flash: Flash;
  readonly syscfg: Syscfg;
  readonly dbgmcu: Dbgmcu;
  readonly exti: Exti;
  readonly rng: Rng;
  readonly crc: Crc;
  readonly gpio: Readonly<Record<GpioPortName, GpioPort>>;
  readonly timers: Readonly<Record<GeneralPurposeTimerName, GeneralPurposeTimer>>;
  readonly i2c: Readonly<Record<I2cName, I2cController>>;
  readonly usarts: Readonly<Record<UsartName, Usart>>;
  /** The two USB OTG cores (device mode; the board attaches a simulated PC to OTG2_FS). */
  readonly usb: Readonly<Record<UsbOtgName, UsbOtg>>;
}

export interface SystemPeripheralOptions {
  readonly oscillators?: Oscillators;
  readonly rngSeed?: number;
}

/**
 * System reset of every peripheral in the set (AIRCR.SYSRESETREQ, RM0433 RCC chapter "System reset"):
 * registers return to reset values except the backup domain and PWR_CR3 (power-on reset only).
 * Memories keep their contents (the bus is untouched); external pin levels stay as the board drives them.
 */
export function resetSystemPeripherals(set: SystemPeripherals): void {
  // RCC first: the others re-derive their clocks from it.
  set.rcc.reset();
  for (const device of [set.pwr, set.flash, set.syscfg, set.dbgmcu, set.exti, set.rng, ...Object.values(set.gpio), ...Object.values(set.timers), ...Object.values(set.i2c), ...Object.values(set.usarts), ...Object.values(set.usb)]) {
    device.reset();
  }
}

/** Creates RCC, PWR, FLASH, SYSCFG, DBGMCU, EXTI, RNG, GPIOA–K, TIM2–5, I2C1–4 and the U(S)ARTs and maps them on `bus`. */
export function attachSystemPeripherals(bus: SystemBus, context: SocContext, options: SystemPeripheralOptions = {}): SystemPeripherals {
  const rcc = new Rcc(context, options.oscillators ?? DAISY_OSCILLATORS);
  const clocks = rcc.clockTree;
  const gpio = Object.fromEntries(GPIO_PORT_NAMES.map((p) => [p, new GpioPort(context, p)])) as Record<GpioPortName, GpioPort>;
  const timers = Object.fromEntries(
    (Object.keys(GENERAL_PURPOSE_TIMERS) as GeneralPurposeTimerName[]).map((n) => [n, new GeneralPurposeTimer(context, n, clocks)]),
  ) as Record<GeneralPurposeTimerName, GeneralPurposeTimer>;
  const i2c = Object.fromEntries((Object.keys(I2C_INSTANCES) as I2cName[]).map((n) => [n, new I2cController(context, n)])) as Record<I2cName, I2cController>;
  const usarts = Object.fromEntries((Object.keys(USART_INSTANCES) as UsartName[]).map((n) => [n, new Usart(context, n, usartClocksFrom(clocks, n))])) as Record<UsartName, Usart>;
  const usb = Object.fromEntries((Object.keys(USB_OTG_INSTANCES) as UsbOtgName[]).map((n) => [n, new UsbOtg(context, n)])) as Record<UsbOtgName, UsbOtg>;
  const set: SystemPeripherals = {
    rcc,
    pwr: new Pwr(context),
    flash: new Flash(context, clocks),
    syscfg: new Syscfg(context),
    dbgmcu: new Dbgmcu(context),
    exti: new Exti(context),
    rng: new Rng(context, options.rngSeed),
    crc: new Crc(context),
    gpio,
    timers,
    i2c,
    usarts,
    usb,
  };
  // GPIO → EXTI: SYSCFG_EXTICRx picks which port drives EXTI line n (RM0433 SYSCFG and EXTI chapters).
  for (const p of Object.values(gpio)) {
    p.onInputChange((pin, level) => {
      if (set.syscfg.extiPort(pin) === p.port) set.exti.signal(pin, level);
    });
  }
  for (const device of [set.rcc, set.pwr, set.flash, set.syscfg, set.dbgmcu, set.exti, set.rng, set.crc, ...Object.values(gpio), ...Object.values(timers), ...Object.values(i2c), ...Object.values(usarts), ...Object.values(usb)]) {
    bus.mapDevice(device);
  }
  return set;
}
