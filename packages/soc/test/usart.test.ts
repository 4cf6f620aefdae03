import { describe, expect, it } from 'vitest';
import { SystemBus, Usart, USART } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

describe('USART transmit capture (RM0433 §48)', () => {
  function setup() {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const usart = new Usart(ctx, 'USART1');
    const lpuart = new Usart(ctx, 'LPUART1');
    bus.mapDevice(usart);
    bus.mapDevice(lpuart);
    return { ctx, bus, usart, lpuart };
  }

  it('collects TDR writes once UE and TE are set, and reports TXE/TC/TEACK in ISR', () => {
    const { bus, usart } = setup();
    const base = 0x40011000;
    const heard: number[] = [];
    usart.onTransmit((b) => heard.push(b));
    bus.write32(base + USART.TDR, 0x41); // disabled: dropped
    bus.write32(base + USART.CR1, 0b1001); // UE | TE
    expect(bus.read32(base + USART.ISR) & 0x2000c0).toBe(0x2000c0); // TEACK, TXE, TC
    for (const c of 'hi\n') {
      while (!(bus.read32(base + USART.ISR) & 0x80));
      bus.write8(base + USART.TDR, c.charCodeAt(0));
    }
    expect(usart.output).toBe('hi\n');
    expect(heard).toEqual([0x68, 0x69, 0x0a]);
    expect(bus.read32(base + USART.ISR) & (1 << 5)).toBe(0); // RXNE: nothing received
  });

  it('LPUART1 at 0x5800_0C00 captures too; a TXE interrupt enable raises its NVIC line (142)', () => {
    const { ctx, bus, lpuart } = setup();
    bus.write32(0x58000c00 + USART.CR1, 0b1001 | (1 << 7));
    bus.write32(0x58000c00 + USART.TDR, 0x5a);
    expect(lpuart.output).toBe('Z');
    expect(ctx.irqLevels.get(142)).toBe(true);
  });
});
