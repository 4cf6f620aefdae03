import { describe, expect, it } from 'vitest';
import { DmaController, Dmamux, Rcc, RCC_BASE, SystemBus, USART, Usart, busAsDmaPort, usartClocksFrom, type UsartClocks } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

const USART1 = 0x4001_1000;
const DMA1 = 0x4002_0000;
const DMAMUX1 = 0x4002_0800;
const SRAM1 = 0x3000_0000;

// USART_CR1: UE 0, RE 2, TE 3, IDLEIE 4, RXNEIE 5, OVER8 15. CR3: EIE 0, DMAR 6. ISR: ORE 3, IDLE 4,
// RXNE 5, REACK 22. ICR: ORECF 3, IDLECF 4 (RM0433 USART registers).
const UE = 1 << 0,
  RE = 1 << 2,
  TE = 1 << 3,
  IDLEIE = 1 << 4,
  RXNEIE = 1 << 5,
  OVER8 = 1 << 15;
const DMAR = 1 << 6;
const ORE = 1 << 3,
  IDLE = 1 << 4,
  RXNE = 1 << 5,
  REACK = 1 << 22;
const USART1_IRQ = 37;

/**
 * libDaisy's clocks: USART1's kernel clock is pclk2 = 100 MHz, the CPU 400 MHz. MIDI at 31 250 baud:
 * BRR = 100e6 / 31 250 = 3200; one 8N1 frame is 10 bits = 10 × 3200 kernel clocks = 32 000 × 4 = 128 000
 * CPU cycles.
 */
const CLOCKS: UsartClocks = { kernelHz: () => 100e6, cpuHz: () => 400e6 };
const BRR_MIDI = 3200;
const FRAME = 128_000;

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const usart = new Usart(ctx, 'USART1', CLOCKS);
  bus.mapDevice(usart);
  const r = (o: number) => bus.read32(USART1 + o);
  const w = (o: number, v: number) => bus.write32(USART1 + o, v);
  return { ctx, bus, usart, r, w };
}

describe('USART receiver (RM0433 USART chapter)', () => {
  it('usartClocksFrom: with libDaisy clocks USART1 runs on pclk2 (100 MHz) and the CPU at 400 MHz', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx, { autoUnmodelled: false });
    const rcc = new Rcc(ctx);
    bus.mapDevice(rcc);
    programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
    const clocks = usartClocksFrom(rcc.clockTree, 'USART1');
    expect(clocks.kernelHz()).toBe(100e6);
    expect(clocks.cpuHz()).toBe(400e6);
  });

  it('byte k of a burst sets RXNE at start + (k + 1) frames (10 bit times at BRR); RDR pops it', () => {
    const { ctx, usart, r, w } = setup();
    w(USART.BRR, BRR_MIDI);
    w(USART.CR1, UE | RE | TE);
    expect(r(USART.ISR) & REACK).toBe(REACK);
    expect(usart.frameCycles()).toBe(FRAME);
    const start = 1000;
    usart.receive([0x90, 0x3c, 0x64], start);
    for (let k = 0; k < 3; k++) {
      const due = start + (k + 1) * FRAME;
      ctx.advanceTo(due - 1);
      expect(r(USART.ISR) & RXNE).toBe(0);
      ctx.advanceTo(due);
      expect(r(USART.ISR) & RXNE).toBe(RXNE);
      expect(r(USART.RDR)).toBe([0x90, 0x3c, 0x64][k]);
      expect(r(USART.ISR) & RXNE).toBe(0); // the read popped it
    }
    expect(usart.framesReceived).toBe(3);
  });

  it('OVER8 = 1: baud = 2 · f_ck / USARTDIV with BRR[2:0] = USARTDIV[3:1]', () => {
    const { usart, w } = setup();
    // USARTDIV = 6400 (0x1900): BRR = 0x1900 | (0 >> 1) → 2 · 100 MHz / 6400 = 31 250 baud again.
    w(USART.BRR, 0x1900);
    w(USART.CR1, UE | RE | OVER8);
    expect(usart.frameCycles()).toBe(FRAME);
  });

  it('IDLE sets one idle frame after the last byte (not while bytes follow) and interrupts with IDLEIE; ICR.IDLECF clears it', () => {
    const { ctx, usart, r, w } = setup();
    w(USART.BRR, BRR_MIDI);
    w(USART.CR1, UE | RE | IDLEIE);
    usart.receive([1, 2], 0);
    ctx.advanceTo(FRAME);
    r(USART.RDR);
    ctx.advanceTo(2 * FRAME - 1); // the second frame is on the line: no IDLE after the first
    expect(r(USART.ISR) & IDLE).toBe(0);
    ctx.advanceTo(2 * FRAME);
    r(USART.RDR);
    ctx.advanceTo(3 * FRAME - 1);
    expect(r(USART.ISR) & IDLE).toBe(0);
    expect(ctx.irqLevels.get(USART1_IRQ)).toBe(false);
    ctx.advanceTo(3 * FRAME);
    expect(r(USART.ISR) & IDLE).toBe(IDLE);
    expect(ctx.irqLevels.get(USART1_IRQ)).toBe(true);
    w(USART.ICR, 1 << 4);
    expect(r(USART.ISR) & IDLE).toBe(0);
    expect(ctx.irqLevels.get(USART1_IRQ)).toBe(false);
  });

  it('overrun: a frame that ends while RXNE is still set sets ORE and is lost; RXNEIE raises the line; ICR.ORECF clears', () => {
    const { ctx, usart, r, w } = setup();
    w(USART.BRR, BRR_MIDI);
    w(USART.CR1, UE | RE | RXNEIE);
    usart.receive([0xaa, 0xbb], 0);
    ctx.advanceTo(FRAME);
    expect(ctx.irqLevels.get(USART1_IRQ)).toBe(true);
    ctx.advanceTo(2 * FRAME); // nobody read RDR
    expect(r(USART.ISR) & (ORE | RXNE)).toBe(ORE | RXNE);
    expect(usart.overruns).toBe(1);
    expect(r(USART.RDR)).toBe(0xaa); // the first byte stays, the second is lost
    expect(r(USART.ISR) & (ORE | RXNE)).toBe(ORE);
    expect(ctx.irqLevels.get(USART1_IRQ)).toBe(true); // ORE with RXNEIE
    w(USART.ICR, 1 << 3);
    expect(r(USART.ISR) & ORE).toBe(0);
    expect(ctx.irqLevels.get(USART1_IRQ)).toBe(false);
  });

  it('bytes arriving while RE is off are lost; the ones after RE is set are received', () => {
    const { ctx, usart, r, w } = setup();
    w(USART.BRR, BRR_MIDI);
    w(USART.CR1, UE | TE);
    usart.receive([0x11], 0);
    ctx.advanceTo(FRAME);
    expect(r(USART.ISR) & RXNE).toBe(0);
    expect(usart.lostWhileDisabled).toBe(1);
    w(USART.CR1, UE | TE | RE);
    usart.receive([0x22], 2 * FRAME);
    ctx.advanceTo(3 * FRAME);
    expect(r(USART.RDR)).toBe(0x22);
  });

  it('CR3.DMAR: DMA1 stream 5 (DMAMUX1 request 41) moves each byte into a circular buffer; HT and TC fire', () => {
    const { ctx, bus, usart, r, w } = setup();
    const dmamux = new Dmamux(ctx);
    const dma1 = new DmaController('DMA1', DMA1, ctx, busAsDmaPort(bus), dmamux);
    bus.mapDevice(dmamux);
    bus.mapDevice(dma1);
    usart.attachDma(dmamux);
    // As libDaisy's DmaListenStart: DMA1 stream 5, P2M, byte items, MINC, circular, HT/TC interrupts.
    const S5 = 0x10 + 0x18 * 5;
    bus.write32(DMAMUX1 + 5 * 4, 41);
    bus.write32(DMA1 + S5 + 0x08, USART1 + USART.RDR); // S5PAR
    bus.write32(DMA1 + S5 + 0x0c, SRAM1); // S5M0AR
    bus.write32(DMA1 + S5 + 0x04, 4); // S5NDTR
    bus.write32(DMA1 + S5, (1 << 10) | (1 << 8) | (1 << 4) | (1 << 3) | 1); // MINC CIRC TCIE HTIE EN
    w(USART.BRR, BRR_MIDI);
    w(USART.CR1, UE | RE | IDLEIE);
    w(USART.CR3, DMAR);
    usart.receive([0x90, 0x3c, 0x64, 0x80, 0x3c], 0);
    ctx.advanceTo(2 * FRAME);
    const HISR = 0x04;
    expect(bus.read32(DMA1 + HISR) & (1 << 10)).toBe(1 << 10); // HTIF5 after 2 of 4 items
    expect(r(USART.ISR) & RXNE).toBe(0); // the stream read RDR
    ctx.advanceTo(4 * FRAME);
    expect(bus.read32(DMA1 + HISR) & (1 << 11)).toBe(1 << 11); // TCIF5
    ctx.advanceTo(5 * FRAME);
    // Circular: the fifth byte wraps to the start of the buffer.
    expect([0, 1, 2, 3].map((i) => bus.read8(SRAM1 + i))).toEqual([0x3c, 0x3c, 0x64, 0x80]);
    expect(bus.read32(DMA1 + S5 + 0x04)).toBe(3); // NDTR: 3 items left in the second lap
    expect(r(USART.ISR) & IDLE).toBe(0);
    ctx.advanceTo(6 * FRAME);
    expect(r(USART.ISR) & IDLE).toBe(IDLE);
    expect(usart.overruns).toBe(0);
  });
});
