import { describe, expect, it } from 'vitest';
import { SystemBus } from '../src/system-bus.js';
import { Dmamux } from '../src/peripherals/dmamux.js';
import { DmaController, busAsDmaPort } from '../src/peripherals/dma.js';
import { Sai, type AudioSink, type AudioSource } from '../src/peripherals/sai.js';
import { RecordingContext } from './recording-context.js';

const SAI1 = 0x4001_5800;
const DMA1 = 0x4002_0000;
const DMAMUX1 = 0x4002_0800;
// Daisy clocks (libdaisy-facts §3): HSE 16 MHz, DIVM3 = 6, N3 = 295, P3 = 16 → SAI1 kernel clock.
const SAI_KERNEL_HZ = (16e6 / 6) * 295 / 16;
const CPU_HZ = 400e6;
// By hand: 16 MHz / 6 · 295 / 16 = 49.1667 MHz; / (MCKDIV 4 · 256) = 48 014.32 Hz.
const DAISY_FS = 48_014.32;
const CYCLES_PER_FRAME = CPU_HZ / (SAI_KERNEL_HZ / (4 * 256));

class CountingSource implements AudioSource {
  frame = 0;
  nextFrame(slots: Int32Array, n: number): void {
    for (let i = 0; i < n; i++) slots[i] = this.frame * 16 + i - 8; // negative values first
    this.frame++;
  }
}

class CollectingSink implements AudioSink {
  readonly words: number[] = [];
  frame(slots: Int32Array, n: number): void {
    for (let i = 0; i < n; i++) this.words.push(slots[i]);
  }
}

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const dmamux = new Dmamux(ctx);
  const dma1 = new DmaController('DMA1', DMA1, ctx, busAsDmaPort(bus), dmamux);
  const sai = new Sai(ctx, { clocks: { kernelHz: () => SAI_KERNEL_HZ, cpuHz: () => CPU_HZ }, dmamux });
  for (const d of [dmamux, dma1, sai]) bus.mapDevice(d);
  return { ctx, bus, dmamux, dma1, sai };
}

const TX_BUFFER = 0x3000_0000;
const RX_BUFFER = 0x3000_2000;

/** The register writes of libDaisy's SAI/DMA init and StartAudio for Seed rev4 (libdaisy-facts §7). */
function libDaisyAudioInit(bus: SystemBus): void {
  bus.write32(SAI1 + 0x00, 0); // GCR
  bus.write32(SAI1 + 0x04, 0x004002c0); // ACR1: master TX, 24-bit, CKSTR, MCKDIV 4
  bus.write32(SAI1 + 0x08, 0);
  bus.write32(SAI1 + 0x0c, 0x00031f3f);
  bus.write32(SAI1 + 0x10, 0xffff0180);
  bus.write32(SAI1 + 0x24, 0x004006c3); // BCR1: slave RX, synchronous with A
  bus.write32(SAI1 + 0x28, 0);
  bus.write32(SAI1 + 0x2c, 0x00031f3f);
  bus.write32(SAI1 + 0x30, 0xffff0180);
  for (const s of [0, 1]) {
    bus.write32(DMA1 + 0x10 + 0x18 * s, 0);
    expect(bus.read32(DMA1 + 0x10 + 0x18 * s) & 1).toBe(0);
  }
  bus.write32(DMA1 + 0x10, 0x00025540); // S0CR M→P
  bus.write32(DMA1 + 0x24, 0); // S0FCR
  bus.write32(DMAMUX1 + 0x00, 87);
  bus.write32(DMA1 + 0x28, 0x00025500); // S1CR P→M
  bus.write32(DMA1 + 0x3c, 0);
  bus.write32(DMAMUX1 + 0x04, 88);
}

function startRx(bus: SystemBus): void {
  bus.write32(DMA1 + 0x08, 0x3f << 6); // LIFCR stream 1
  bus.write32(DMA1 + 0x2c, 0xc0); // S1NDTR
  bus.write32(DMA1 + 0x30, SAI1 + 0x40); // S1PAR = SAI_BDR
  bus.write32(DMA1 + 0x34, RX_BUFFER);
  bus.write32(DMA1 + 0x28, bus.read32(DMA1 + 0x28) | 0x16);
  bus.write32(DMA1 + 0x28, bus.read32(DMA1 + 0x28) | 0x08);
  bus.write32(DMA1 + 0x28, bus.read32(DMA1 + 0x28) | 0x01);
  expect(bus.read32(DMA1 + 0x28)).toBe(0x0002551f);
  bus.write32(SAI1 + 0x34, 0x61); // BIM
  bus.write32(SAI1 + 0x24, bus.read32(SAI1 + 0x24) | (1 << 17));
  bus.write32(SAI1 + 0x24, bus.read32(SAI1 + 0x24) | (1 << 16));
  expect(bus.read32(SAI1 + 0x24)).toBe(0x004306c3);
}

function startTxDma(bus: SystemBus): void {
  bus.write32(DMA1 + 0x08, 0x3f); // LIFCR stream 0
  bus.write32(DMA1 + 0x14, 0xc0);
  bus.write32(DMA1 + 0x18, SAI1 + 0x20); // S0PAR = SAI_ADR
  bus.write32(DMA1 + 0x1c, TX_BUFFER);
  bus.write32(DMA1 + 0x10, bus.read32(DMA1 + 0x10) | 0x16);
  bus.write32(DMA1 + 0x10, bus.read32(DMA1 + 0x10) | 0x08);
  bus.write32(DMA1 + 0x10, bus.read32(DMA1 + 0x10) | 0x01);
  expect(bus.read32(DMA1 + 0x10)).toBe(0x0002555f);
  bus.write32(SAI1 + 0x14, 0x05); // AIM
}

describe('SAI1 with DMA1 streams 0/1 as libDaisy drives them', () => {
  it('derives the Daisy frame rate 48 014.3 Hz from the PLL3P kernel clock and MCKDIV = 4', () => {
    const { bus, sai } = setup();
    bus.write32(SAI1 + 0x04, 0x004002c0);
    expect(sai.frameRate(sai.blockA)).toBeCloseTo(DAISY_FS, 1);
    // NODIV = 1: FS = kernel / (MCKDIV · (FRL + 1)) with a 64-bit frame.
    bus.write32(SAI1 + 0x0c, 0x00031f3f);
    bus.write32(SAI1 + 0x04, 0x004002c0 | (1 << 19));
    expect(sai.frameRate(sai.blockA)).toBeCloseTo(SAI_KERNEL_HZ / (4 * 64), 3);
  });

  it('a master block enabled with no kernel clock (PLL3 not running) clocks no frame and is reported', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx, { autoUnmodelled: false });
    const sai = new Sai(ctx, { clocks: { kernelHz: () => 0, cpuHz: () => 64e6 }, dmamux: new Dmamux(ctx) });
    bus.mapDevice(sai);
    bus.write32(SAI1 + 0x04, 0x004102c0); // ACR1 with SAIEN: master TX
    expect(sai.frameRate(sai.blockA)).toBe(0);
    expect(ctx.rules.map((e) => e.rule)).toEqual(['peripheral-no-clock']);
    expect(ctx.rules[0].address).toBe(SAI1 + 0x04);
  });

  it('reads SAIEN back as 0 immediately after it is cleared', () => {
    const { bus } = setup();
    bus.write32(SAI1 + 0x04, 0x004102c0);
    expect(bus.read32(SAI1 + 0x04) & (1 << 16)).toBe(1 << 16);
    bus.write32(SAI1 + 0x04, 0x004002c0);
    expect(bus.read32(SAI1 + 0x04) & (1 << 16)).toBe(0);
  });

  it('fills the TX FIFO when DMAEN is set, so ASR.FLVL is not 0 (libDaisy waits for it)', () => {
    const { bus } = setup();
    libDaisyAudioInit(bus);
    startTxDma(bus);
    expect((bus.read32(SAI1 + 0x18) >>> 16) & 7).toBe(0);
    bus.write32(SAI1 + 0x04, bus.read32(SAI1 + 0x04) | (1 << 17));
    // 8 words moved into an 8-word FIFO: FLVL = 101 "full" (RM0433 §51.6.7).
    expect((bus.read32(SAI1 + 0x18) >>> 16) & 7).toBe(5);
    expect(bus.read32(DMA1 + 0x14)).toBe(0xc0 - 8);
  });

  it('fills the FIFO when the stream is enabled after DMAEN', () => {
    const { bus } = setup();
    libDaisyAudioInit(bus);
    bus.write32(SAI1 + 0x04, bus.read32(SAI1 + 0x04) | (1 << 17));
    expect((bus.read32(SAI1 + 0x18) >>> 16) & 7).toBe(0);
    startTxDma(bus);
    expect((bus.read32(SAI1 + 0x18) >>> 16) & 7).toBe(5);
  });

  it('runs frames at the SAI rate: RX HT/TC every 48 frames, TX HT 4 frames early (FIFO lead)', () => {
    const { ctx, bus, sai } = setup();
    const source = new CountingSource();
    const sink = new CollectingSink();
    sai.setSource('B', source);
    sai.setSink('A', sink);
    for (let i = 0; i < 192; i++) bus.write32(TX_BUFFER + 4 * i, i % 2 === 0 ? 0x00800000 + i : i); // even: negative 24-bit
    libDaisyAudioInit(bus);
    startRx(bus);
    startTxDma(bus);
    bus.write32(SAI1 + 0x04, bus.read32(SAI1 + 0x04) | (1 << 17));
    expect((bus.read32(SAI1 + 0x18) >>> 16) & 7).not.toBe(0);
    const t0 = 1000;
    ctx.advanceTo(t0);
    bus.write32(SAI1 + 0x04, bus.read32(SAI1 + 0x04) | (1 << 16));
    expect(bus.read32(SAI1 + 0x04)).toBe(0x004302c0);

    const frameAt = (k: number) => Math.ceil(t0 + k * CYCLES_PER_FRAME);
    ctx.advanceTo(frameAt(48));
    const rises = (irq: number) => ctx.irqEdges.filter((e) => e.irq === irq && e.level).map((e) => e.cycle);
    // RX (IRQ 12, DMA1_Stream1): 96 words = 48 frames of 2 slots → HT at frame 48.
    expect(rises(12)).toEqual([frameAt(48)]);
    expect((bus.read32(DMA1 + 0x00) >>> 10) & 1).toBe(1); // HTIF1 = LISR bit 10
    // TX (IRQ 11, DMA1_Stream0): the FIFO took 8 words before SAIEN; 96 moved after frame (96 − 8)/2 = 44.
    expect(rises(11)).toEqual([frameAt(44)]);
    bus.write32(DMA1 + 0x08, 0x3f | (0x3f << 6));
    ctx.advanceTo(frameAt(96));
    expect(rises(12)).toEqual([frameAt(48), frameAt(96)]);
    expect((bus.read32(DMA1 + 0x00) >>> 11) & 1).toBe(1); // TCIF1
    expect(bus.read32(DMA1 + 0x2c)).toBe(0xc0); // circular reload

    // RX buffer: the source's values, right-aligned 24-bit (RM0433 §51.6.9).
    expect(bus.read32(RX_BUFFER)).toBe(-8 & 0xffffff);
    expect(bus.read32(RX_BUFFER + 4)).toBe(-7 & 0xffffff);
    expect(bus.read32(RX_BUFFER + 4 * 191)).toBe(95 * 16 + 1 - 8);
    // Sink: the TX buffer in order, sign-extended from 24 bits.
    expect(sink.words.length).toBe(192);
    expect(sink.words[0]).toBe(0x00800000 - 0x01000000);
    expect(sink.words[1]).toBe(1);
    expect(sink.words[191]).toBe(191);
    expect(sai.blockA.frames).toBe(96);
    expect(sai.blockB.frames).toBe(96);
  });

  it('stops producing frames when the master block is disabled', () => {
    const { ctx, bus, sai } = setup();
    bus.write32(SAI1 + 0x10, 0xffff0180);
    bus.write32(SAI1 + 0x04, 0x004102c0);
    ctx.advanceTo(Math.ceil(10 * CYCLES_PER_FRAME));
    expect(sai.blockA.frames).toBe(10);
    bus.write32(SAI1 + 0x04, 0x004002c0);
    ctx.advanceTo(Math.ceil(20 * CYCLES_PER_FRAME));
    expect(sai.blockA.frames).toBe(10);
    expect(ctx.clock.nextEventAt).toBe(Infinity);
  });

  it('empties the FIFO on FFLUSH', () => {
    const { bus } = setup();
    bus.write32(SAI1 + 0x04, 0x004002c0);
    for (let i = 0; i < 3; i++) bus.write32(SAI1 + 0x20, i);
    expect((bus.read32(SAI1 + 0x18) >>> 16) & 7).toBe(2); // 3 of 8 words: ¼ < level ≤ ½
    bus.write32(SAI1 + 0x08, 1 << 3);
    expect((bus.read32(SAI1 + 0x18) >>> 16) & 7).toBe(0);
    expect(bus.read32(SAI1 + 0x08) & (1 << 3)).toBe(0); // FFLUSH reads 0
  });
});
