import { describe, expect, it } from 'vitest';
import { GPIO, GpioPort, SystemBus, type GpioPortName } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

function port(name: GpioPortName) {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const gpio = new GpioPort(ctx, name);
  bus.mapDevice(gpio);
  return { gpio, r: (o: number) => bus.read32(gpio.base + o), w: (o: number, v: number) => bus.write32(gpio.base + o, v), ctx };
}

describe('GPIO (RM0433 §11)', () => {
  it('sits at 0x5802_0000 + 0x400·n with the RM0433 MODER reset values', () => {
    expect(port('A').gpio.base).toBe(0x58020000);
    expect(port('D').gpio.base).toBe(0x58020c00);
    expect(port('K').gpio.base).toBe(0x58022800);
    expect(port('A').r(GPIO.MODER)).toBe(0xabffffff);
    expect(port('B').r(GPIO.MODER)).toBe(0xfffffebf);
    expect(port('C').r(GPIO.MODER)).toBe(0xffffffff);
    expect(port('A').r(GPIO.PUPDR)).toBe(0x64000000);
  });

  it('IDR reads the pulls of undriven inputs: pull-up 1, pull-down 0, floating 0', () => {
    const { r, w } = port('D');
    // PD3, PD4 inputs with pull-up (libDaisy board-revision check), PD5 pull-down, PD6 floating.
    w(GPIO.MODER, 0xffffffff & ~(0x3 << 6) & ~(0x3 << 8) & ~(0x3 << 10) & ~(0x3 << 12));
    w(GPIO.PUPDR, (1 << 6) | (1 << 8) | (2 << 10));
    expect((r(GPIO.IDR) >>> 3) & 0xf).toBe(0b0011);
  });

  it('IDR reads the level the board drives on an input (Seed 1.1: PD3 low)', () => {
    const { r, w, gpio } = port('D');
    w(GPIO.MODER, 0);
    w(GPIO.PUPDR, (1 << 6) | (1 << 8));
    gpio.setInputLevel(3, false);
    expect((r(GPIO.IDR) >>> 3) & 3).toBe(0b10);
    gpio.setInputLevel(3, undefined);
    expect((r(GPIO.IDR) >>> 3) & 3).toBe(0b11);
  });

  it('BSRR sets and resets ODR bits (set wins), outputs read back through IDR, analog reads 0', () => {
    const { r, w, gpio } = port('C');
    const changes: string[] = [];
    gpio.onOutputChange((pin, level) => changes.push(`${pin}=${level ? 1 : 0}`));
    w(GPIO.MODER, 0xffff0000 | 0x5555); // pins 0–7 outputs, 8–15 analog
    w(GPIO.BSRR, 1 << 7); // LED PC7 on
    expect(r(GPIO.ODR)).toBe(0x80);
    w(GPIO.BSRR, (1 << (16 + 7)) | (1 << 7)); // both: set wins (RM0433 §11.4.7)
    expect(r(GPIO.ODR)).toBe(0x80);
    w(GPIO.BSRR, 1 << (16 + 7));
    expect(r(GPIO.ODR)).toBe(0);
    w(GPIO.ODR, 0xff05);
    expect(r(GPIO.IDR)).toBe(0x05);
    expect(r(GPIO.BSRR)).toBe(0);
    expect(changes).toEqual(['7=1', '7=0', '0=1', '2=1']);
  });

  it('an open-drain output driven high reads the external level or pull', () => {
    const { r, w, gpio } = port('B');
    w(GPIO.MODER, 0xfffffffd & ~(3 << 22) | (1 << 22)); // PB11 output
    w(GPIO.OTYPER, 1 << 11);
    w(GPIO.PUPDR, 0);
    w(GPIO.BSRR, 1 << 11);
    expect((r(GPIO.IDR) >>> 11) & 1).toBe(0); // released line, no pull, nothing driving
    gpio.setInputLevel(11, true);
    expect((r(GPIO.IDR) >>> 11) & 1).toBe(1);
  });
});
