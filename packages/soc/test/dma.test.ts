import { describe, expect, it } from 'vitest';
import { MmioDevice } from '@seedsim/core';
import { SystemBus } from '../src/system-bus.js';
import { Dmamux } from '../src/peripherals/dmamux.js';
import { DmaController, busAsDmaPort } from '../src/peripherals/dma.js';
import type { DmaRequester } from '../src/peripherals/dmamux.js';
import { RecordingContext } from './recording-context.js';

const DMA1 = 0x4002_0000;
const DMA2 = 0x4002_0400;
const DMAMUX1 = 0x4002_0800;
const FAKE = 0x4001_6000;
const SRAM1 = 0x3000_0000;
// Register offsets from RM0433 §15.5 / the SVD: stream x at 0x10 + 0x18·x.
const SxCR = (s: number) => 0x10 + 0x18 * s;
const SxNDTR = (s: number) => 0x14 + 0x18 * s;
const SxPAR = (s: number) => 0x18 + 0x18 * s;
const SxM0AR = (s: number) => 0x1c + 0x18 * s;
const SxM1AR = (s: number) => 0x20 + 0x18 * s;
const LISR = 0x00;
const HISR = 0x04;
const LIFCR = 0x08;

/** A peripheral data register: reads give 0x100, 0x101, …; writes are collected. */
class FakeDataRegister extends MmioDevice {
  next = 0x100;
  readonly written: number[] = [];
  constructor() {
    super('FAKE', FAKE, 0x400);
  }
  readWord(): number {
    return this.next++;
  }
  writeWord(_offset: number, value: number): void {
    this.written.push(value);
  }
}

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const dmamux = new Dmamux(ctx);
  const dma1 = new DmaController('DMA1', DMA1, ctx, busAsDmaPort(bus), dmamux);
  const dma2 = new DmaController('DMA2', DMA2, ctx, busAsDmaPort(bus), dmamux);
  const fake = new FakeDataRegister();
  for (const d of [dmamux, dma1, dma2, fake]) bus.mapDevice(d);
  return { ctx, bus, dmamux, dma1, dma2, fake };
}

// CR bits (RM0433 §15.5.5): EN 0, TEIE 2, HTIE 3, TCIE 4, DIR 7:6, CIRC 8, MINC 10, PSIZE 12:11, MSIZE 14:13, DBM 18, CT 19.
const EN = 1,
  TEIE = 1 << 2,
  HTIE = 1 << 3,
  TCIE = 1 << 4,
  CIRC = 1 << 8,
  MINC = 1 << 10,
  WORDS = (2 << 11) | (2 << 13),
  DBM = 1 << 18,
  CT = 1 << 19;
const P2M = 0 << 6,
  M2P = 1 << 6,
  M2M = 2 << 6;

describe('DMA streams driven by DMAMUX requests', () => {
  it('circular P2M: HT after half the items, TC at the end, NDTR reloads, IRQ 11 follows the flags', () => {
    const { ctx, bus, dmamux } = setup();
    const REQ = 87;
    bus.write32(DMAMUX1 + 0, REQ); // channel 0 → DMA1 stream 0
    bus.write32(DMA1 + SxPAR(0), FAKE);
    bus.write32(DMA1 + SxM0AR(0), SRAM1);
    bus.write32(DMA1 + SxNDTR(0), 8);
    bus.write32(DMA1 + SxCR(0), P2M | CIRC | MINC | WORDS | HTIE | TCIE | TEIE | EN);
    // A fake request source: one request every 100 cycles, at 100, 200, … 1200.
    for (let k = 1; k <= 12; k++) ctx.clock.schedule(100 * k, () => dmamux.request(REQ));

    ctx.advanceTo(399);
    expect(bus.read32(DMA1 + LISR) & 0x3f).toBe(0);
    expect(bus.read32(DMA1 + SxNDTR(0))).toBe(5);
    ctx.advanceTo(400); // 4th item of 8: half transfer
    expect(bus.read32(DMA1 + LISR)).toBe(1 << 4); // HTIF0 (SVD: bit 4)
    expect(ctx.irqEdges).toEqual([{ irq: 11, level: true, cycle: 400 }]);
    bus.write32(DMA1 + LIFCR, 1 << 4);
    expect(ctx.irqLevels.get(11)).toBe(false);
    ctx.advanceTo(800); // 8th item: transfer complete, circular reload
    expect(bus.read32(DMA1 + LISR)).toBe(1 << 5); // TCIF0
    expect(bus.read32(DMA1 + SxNDTR(0))).toBe(8);
    expect(bus.read32(DMA1 + SxCR(0)) & EN).toBe(EN);
    expect(ctx.irqEdges.at(-1)).toEqual({ irq: 11, level: true, cycle: 800 });
    bus.write32(DMA1 + LIFCR, 0x3f);
    ctx.advanceTo(1200); // second pass: HT again at the 4th request of the pass
    expect(bus.read32(DMA1 + LISR)).toBe(1 << 4);
    // Items landed in order, wrapping to the start of the buffer on the second pass.
    expect(bus.read32(SRAM1 + 0)).toBe(0x108);
    expect(bus.read32(SRAM1 + 12)).toBe(0x10b);
    expect(bus.read32(SRAM1 + 16)).toBe(0x104);
    expect(bus.read32(SRAM1 + 28)).toBe(0x107);
  });

  it('normal mode stops after NDTR items and clears EN', () => {
    const { bus, dmamux } = setup();
    bus.write32(DMAMUX1 + 4 * 2, 5); // channel 2 → DMA1 stream 2, request 5
    for (let i = 0; i < 4; i++) bus.write32(SRAM1 + 4 * i, 0xa0 + i);
    bus.write32(DMA1 + SxPAR(2), FAKE);
    bus.write32(DMA1 + SxM0AR(2), SRAM1);
    bus.write32(DMA1 + SxNDTR(2), 3);
    bus.write32(DMA1 + SxCR(2), M2P | MINC | WORDS | EN);
    for (let i = 0; i < 5; i++) dmamux.request(5);
    expect(bus.read32(DMA1 + SxCR(2)) & EN).toBe(0);
    expect(bus.read32(DMA1 + LISR)).toBe((1 << 21) | (1 << 20)); // TCIF2 bit 21, HTIF2 bit 20 (SVD)
  });

  it('clearing EN reads back 0 at once (HAL_DMA_Init polls it) and marks TCIF for an interrupted transfer', () => {
    const { bus } = setup();
    bus.write32(DMA1 + SxNDTR(1), 16);
    bus.write32(DMA1 + SxCR(1), P2M | WORDS | EN);
    expect(bus.read32(DMA1 + SxCR(1)) & EN).toBe(EN);
    bus.write32(DMA1 + SxCR(1), P2M | WORDS);
    expect(bus.read32(DMA1 + SxCR(1)) & EN).toBe(0);
    expect(bus.read32(DMA1 + LISR)).toBe(1 << 11); // TCIF1
  });

  it('places each stream flag group at 0, 6, 16, 22 of LISR/HISR and raises the stream IRQ', () => {
    const { ctx, bus } = setup();
    // Stream s copies 2 words memory-to-memory with TCIE; TCIF of stream s is at bit 5 + {0,6,16,22}[s & 3].
    const irqs = [56, 57, 58, 59, 60, 68, 69, 70]; // DMA2_Stream0..7 (RM0433 vector table)
    for (let s = 0; s < 8; s++) {
      bus.write32(DMA2 + SxPAR(s), SRAM1 + 0x100 * s);
      bus.write32(DMA2 + SxM0AR(s), SRAM1 + 0x1000 + 0x100 * s);
      bus.write32(DMA2 + SxNDTR(s), 2);
      bus.write32(DMA2 + SxCR(s), M2M | MINC | WORDS | TCIE | EN);
    }
    ctx.advanceTo(10);
    const low = [5, 11, 21, 27].reduce((a, b) => a | (1 << b) | (1 << (b - 1)), 0);
    expect(bus.read32(DMA2 + LISR) >>> 0).toBe(low >>> 0);
    expect(bus.read32(DMA2 + HISR) >>> 0).toBe(low >>> 0);
    expect([...ctx.irqLevels.entries()].filter(([, l]) => l).map(([i]) => i).sort((a, b) => a - b)).toEqual(irqs);
  });

  it('double-buffer mode swaps the target memory (CT) at each TC', () => {
    const { bus, dmamux, fake } = setup();
    bus.write32(DMAMUX1 + 4 * 3, 9);
    bus.write32(DMA1 + SxPAR(3), FAKE);
    bus.write32(DMA1 + SxM0AR(3), SRAM1);
    bus.write32(DMA1 + SxM1AR(3), SRAM1 + 0x100);
    bus.write32(DMA1 + SxNDTR(3), 2);
    bus.write32(DMA1 + SxCR(3), P2M | DBM | MINC | WORDS | EN);
    fake.next = 1;
    for (let i = 0; i < 4; i++) dmamux.request(9);
    expect([bus.read32(SRAM1), bus.read32(SRAM1 + 4), bus.read32(SRAM1 + 0x100), bus.read32(SRAM1 + 0x104)]).toEqual([1, 2, 3, 4]);
    expect(bus.read32(DMA1 + SxCR(3)) & CT).toBe(0); // swapped twice
  });

  it('a stream addressing DTCM reports dma-to-tcm when enabled, then fails its first transfer (TEIF, EN = 0)', () => {
    const { ctx, bus, dmamux } = setup();
    bus.write32(DMAMUX1 + 0, 87);
    bus.write32(DMA1 + SxPAR(0), FAKE);
    bus.write32(DMA1 + SxM0AR(0), 0x2000_0100);
    bus.write32(DMA1 + SxNDTR(0), 4);
    bus.write32(DMA1 + SxCR(0), P2M | MINC | WORDS | TEIE | EN);
    // Reported at EN (the code that set the stream up is on the stack), a P2M stream writes memory.
    expect(ctx.rulesNamed('dma-to-tcm').map((r) => [r.address, r.isWrite])).toEqual([[0x2000_0100, true]]);
    expect(bus.read32(DMA1 + LISR)).toBe(0); // no access yet: no error yet
    expect(dmamux.request(87)).toBe(true);
    expect(ctx.rulesNamed('dma-to-tcm')).toHaveLength(1); // not reported twice
    expect(bus.read32(DMA1 + LISR)).toBe(1 << 3); // TEIF0
    expect(bus.read32(DMA1 + SxCR(0)) & EN).toBe(0);
    expect(ctx.irqLevels.get(11)).toBe(true);
    expect(dmamux.request(87)).toBe(false); // disabled: no more transfers
  });

  it('reports an ITCM source of an M2P stream as a DMA read', () => {
    const { ctx, bus } = setup();
    bus.write32(DMA1 + SxPAR(5), FAKE);
    bus.write32(DMA1 + SxM0AR(5), 0x0000_0400);
    bus.write32(DMA1 + SxNDTR(5), 4);
    bus.write32(DMA1 + SxCR(5), M2P | MINC | WORDS | EN);
    expect(ctx.rulesNamed('dma-to-tcm').map((r) => [r.address, r.isWrite])).toEqual([[0x400, false]]);
    expect(ctx.rulesNamed('dma-to-tcm')[0].detail).toMatch(/ITCM/);
  });

  it('tells the coherency observer about memory-side accesses only', () => {
    const { bus, dmamux, dma1 } = setup();
    const seen: string[] = [];
    dma1.setAccessObserver({ onDmaRead: (a, n) => seen.push(`R${a.toString(16)}/${n}`), onDmaWrite: (a, n) => seen.push(`W${a.toString(16)}/${n}`) });
    bus.write32(DMAMUX1 + 0, 87);
    bus.write32(DMA1 + SxPAR(0), FAKE);
    bus.write32(DMA1 + SxM0AR(0), SRAM1);
    bus.write32(DMA1 + SxNDTR(0), 2);
    bus.write32(DMA1 + SxCR(0), M2P | MINC | WORDS | EN);
    dmamux.request(87);
    dmamux.request(87);
    expect(seen).toEqual(['R30000000/4', 'R30000004/4']);
  });

  it('calls the requester when a stream starts serving its request ID', () => {
    const { bus, dmamux } = setup();
    let ready = 0;
    const requester: DmaRequester = { dmaReady: () => ready++ };
    dmamux.attachRequester(88, requester);
    bus.write32(DMAMUX1 + 4, 88);
    bus.write32(DMA1 + SxNDTR(1), 4);
    bus.write32(DMA1 + SxCR(1), P2M | WORDS | EN);
    expect(ready).toBe(1);
  });

  it('protects NDTR, PAR, M0AR and the configuration bits while the stream is enabled', () => {
    const { bus } = setup();
    bus.write32(DMA1 + SxNDTR(4), 10);
    bus.write32(DMA1 + SxPAR(4), FAKE);
    bus.write32(DMA1 + SxCR(4), P2M | WORDS | EN);
    bus.write32(DMA1 + SxNDTR(4), 3);
    bus.write32(DMA1 + SxPAR(4), 0x1234);
    bus.write32(DMA1 + SxCR(4), M2P | CIRC | WORDS | TCIE | EN);
    expect(bus.read32(DMA1 + SxNDTR(4))).toBe(10);
    expect(bus.read32(DMA1 + SxPAR(4))).toBe(FAKE);
    // Interrupt enables may change while enabled (HAL_DMA_Abort relies on it); DIR/CIRC may not.
    expect(bus.read32(DMA1 + SxCR(4))).toBe(P2M | WORDS | TCIE | EN);
  });
});
