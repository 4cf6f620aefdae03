import { describe, expect, it } from 'vitest';
import { DmaController, Dmamux, Rcc, RCC_BASE, SPI, Spi, SystemBus, busAsDmaPort, spiClocksFrom, type SpiDevice } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

const SPI1 = 0x4001_3000;
const DMA2 = 0x4002_0400;
const DMAMUX1 = 0x4002_0800;
const SRAM1 = 0x3000_0000;

// SPI_CR1: SPE 0, CSTART 9. SPI_CFG1: DSIZE 4:0, FTHLV 8:5, TXDMAEN 15, MBR 30:28. SPI_CFG2: COMM 18:17, MASTER 22, SSM 26.
const SPE = 1 << 0;
const CSTART = 1 << 9;
const TXDMAEN = 1 << 15;
const MASTER = 1 << 22;
const SSM = 1 << 26;
const SIMPLEX_TX = 1 << 17;
const FULL_DUPLEX = 0;
// SPI_SR: RXP 0, TXP 1, EOT 3, TXTF 4, OVR 6, TXC 12; IER EOTIE 3.
const RXP = 1 << 0;
const TXP = 1 << 1;
const EOT = 1 << 3;
const TXTF = 1 << 4;
const OVR = 1 << 6;
const TXC = 1 << 12;

/** 8-bit frames, one-frame packets, MBR = 010: spi_ker_ck / 8. */
const CFG1_8BIT_DIV8 = 7 | (2 << 28);
/**
 * libDaisy's clocks give spi123_ker_ck = PLL2 P = 25 MHz (D2CCIP1R.SPI123SEL = 001); /8 = 3.125 MHz, so
 * one bit is 400 MHz / 3.125 MHz = 128 CPU cycles and an 8-bit frame 1024.
 */
const FRAME_CYCLES = 1024;

class Recorder implements SpiDevice {
  readonly frames: number[] = [];
  exchange(frame: number): number {
    this.frames.push(frame);
    return frame ^ 0xff;
  }
}

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const rcc = new Rcc(ctx);
  bus.mapDevice(rcc);
  programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
  const dmamux = new Dmamux(ctx);
  const dma2 = new DmaController('DMA2', DMA2, ctx, busAsDmaPort(bus), dmamux);
  const spi = new Spi(ctx, 'SPI1', spiClocksFrom(rcc.clockTree, 'SPI1'), dmamux);
  const device = new Recorder();
  spi.attach(device);
  for (const d of [dmamux, dma2, spi]) bus.mapDevice(d);
  const r = (o: number) => bus.read32(SPI1 + o);
  const w = (o: number, v: number) => bus.write32(SPI1 + o, v);
  return { ctx, bus, r, w, device, spi };
}

/** HAL_SPI_Init + HAL_SPI_Transmit up to CSTART (master, software NSS). */
function begin(s: ReturnType<typeof setup>, comm: number, tsize: number, cfg1 = CFG1_8BIT_DIV8) {
  s.w(SPI.CFG1, cfg1);
  s.w(SPI.CFG2, MASTER | SSM | comm);
  s.w(SPI.CR2, tsize);
  s.w(SPI.CR1, SPE);
  s.w(SPI.CR1, SPE | CSTART);
}

describe('SPI1 master (RM0433 SPI chapter)', () => {
  it('a transfer started with the kernel clock off (RCC at reset: SPI123SEL = PLL1Q, PLL1 off) shifts nothing and is reported', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx, { autoUnmodelled: false });
    const rcc = new Rcc(ctx); // reset values: HSI only, no PLL running
    bus.mapDevice(rcc);
    const spi = new Spi(ctx, 'SPI1', spiClocksFrom(rcc.clockTree, 'SPI1'), null);
    const device = new Recorder();
    spi.attach(device);
    bus.mapDevice(spi);
    const s = { ctx, bus, r: (o: number) => bus.read32(SPI1 + o), w: (o: number, v: number) => bus.write32(SPI1 + o, v), device, spi };
    begin(s, SIMPLEX_TX, 1);
    bus.write8(SPI1 + SPI.TXDR, 0xae);
    ctx.advanceTo(ctx.clock.cycles + 1_000_000);
    expect(device.frames).toEqual([]);
    expect(s.r(SPI.SR) & EOT).toBe(0);
    expect(ctx.rules.map((e) => e.rule)).toEqual(['peripheral-no-clock']);
    expect(ctx.rules[0].address).toBe(SPI1 + SPI.CR1);
  });

  it('resets with SR = 0x0000_1002 (TXP and TXC set)', () => {
    const s = setup();
    expect(s.r(SPI.SR)).toBe(0x0000_1002);
  });

  it('shifts out TSIZE frames at spi_ker_ck / 2^(MBR+1), then sets EOT and TXC and clears CSTART', () => {
    const s = setup();
    begin(s, SIMPLEX_TX, 3);
    const start = s.ctx.clock.cycles;
    for (const b of [0x21, 0x43, 0x65]) {
      expect(s.r(SPI.SR) & TXP).toBe(TXP);
      s.bus.write8(SPI1 + SPI.TXDR, b);
    }
    expect(s.r(SPI.SR) & TXTF).toBe(TXTF); // all TSIZE frames are in the FIFO
    expect(s.r(SPI.SR) >>> 16).toBe(3); // CTSIZE: nothing shifted yet
    s.ctx.advanceTo(start + 3 * FRAME_CYCLES - 1);
    expect(s.r(SPI.SR) & EOT).toBe(0);
    expect(s.device.frames).toEqual([0x21, 0x43]);
    s.ctx.advanceTo(start + 3 * FRAME_CYCLES);
    expect(s.device.frames).toEqual([0x21, 0x43, 0x65]);
    expect(s.r(SPI.SR) & (EOT | TXC)).toBe(EOT | TXC);
    expect(s.r(SPI.CR1) & CSTART).toBe(0);
    s.w(SPI.IFCR, EOT | TXTF); // EOTC, TXTFC
    expect(s.r(SPI.SR) & (EOT | TXTF)).toBe(0);
  });

  it('packs four 8-bit frames into one 32-bit TXDR write, least significant byte first', () => {
    const s = setup();
    begin(s, SIMPLEX_TX, 4, CFG1_8BIT_DIV8 | (3 << 5)); // FTHLV = 3: 4-frame packets
    s.w(SPI.TXDR, 0x44332211);
    s.ctx.advanceTo(s.ctx.clock.cycles + 4 * FRAME_CYCLES);
    expect(s.device.frames).toEqual([0x11, 0x22, 0x33, 0x44]);
  });

  it('clears TXP when the 16-byte FIFO has no room for a packet, and sets it again as frames leave', () => {
    const s = setup();
    begin(s, SIMPLEX_TX, 0); // TSIZE = 0: endless transfer
    // The first frame moves to the shift register at once, so 17 bytes fit: 16 in the FIFO + 1 shifting.
    for (let i = 0; i < 17; i++) s.bus.write8(SPI1 + SPI.TXDR, i);
    expect(s.r(SPI.SR) & TXP).toBe(0);
    s.ctx.advanceTo(s.ctx.clock.cycles + FRAME_CYCLES);
    expect(s.r(SPI.SR) & TXP).toBe(TXP);
    expect(s.r(SPI.SR) & TXC).toBe(0); // data still waiting
  });

  it('receives in full duplex: RXP after a frame, RXDR gives the answer, OVR when the RX FIFO overflows', () => {
    const s = setup();
    begin(s, FULL_DUPLEX, 0);
    s.bus.write8(SPI1 + SPI.TXDR, 0x0f);
    s.ctx.advanceTo(s.ctx.clock.cycles + FRAME_CYCLES);
    expect(s.r(SPI.SR) & RXP).toBe(RXP);
    expect(s.bus.read8(SPI1 + SPI.RXDR)).toBe(0xf0);
    expect(s.r(SPI.SR) & RXP).toBe(0);
    // 17 frames without reading: the 17th finds the 16-frame RX FIFO full.
    for (let i = 0; i < 17; i++) {
      s.bus.write8(SPI1 + SPI.TXDR, i);
      s.ctx.advanceTo(s.ctx.clock.cycles + FRAME_CYCLES);
    }
    expect(s.r(SPI.SR) & OVR).toBe(OVR);
  });

  it('raises SPI1 (IRQ 35) on EOT when EOTIE is set', () => {
    const s = setup();
    s.w(SPI.IER, EOT);
    begin(s, SIMPLEX_TX, 1);
    s.bus.write8(SPI1 + SPI.TXDR, 0xaa);
    s.ctx.advanceTo(s.ctx.clock.cycles + FRAME_CYCLES);
    expect(s.ctx.irqLevels.get(35)).toBe(true);
    s.w(SPI.IFCR, EOT);
    expect(s.ctx.irqLevels.get(35)).toBe(false);
  });

  it('is fed by DMA2 stream 3 on DMAMUX1 request 38 (SPI1_TX) until TSIZE frames are sent', () => {
    const s = setup();
    const bytes = [1, 2, 3, 4, 5, 6, 7, 8];
    bytes.forEach((b, i) => s.bus.write8(SRAM1 + i, b));
    s.bus.write32(DMAMUX1 + 11 * 4, 38); // channel 11 → DMA2 stream 3
    const S3 = 0x10 + 0x18 * 3;
    s.bus.write32(DMA2 + S3 + 4, bytes.length);
    s.bus.write32(DMA2 + S3 + 8, SPI1 + SPI.TXDR);
    s.bus.write32(DMA2 + S3 + 12, SRAM1);
    s.bus.write32(DMA2 + S3, (1 << 6) | (1 << 10) | 1); // memory → peripheral, MINC, bytes, EN
    s.w(SPI.CFG1, CFG1_8BIT_DIV8 | TXDMAEN);
    s.w(SPI.CFG2, MASTER | SSM | SIMPLEX_TX);
    s.w(SPI.CR2, bytes.length);
    s.w(SPI.CR1, SPE);
    s.w(SPI.CR1, SPE | CSTART);
    s.ctx.advanceTo(s.ctx.clock.cycles + bytes.length * FRAME_CYCLES);
    expect(s.device.frames).toEqual(bytes);
    expect(s.r(SPI.SR) & EOT).toBe(EOT);
    expect(s.bus.read32(DMA2) & (1 << 27)).not.toBe(0); // DMA_LISR.TCIF3 (bit 27): the stream finished too
  });

  it('flushes on SPE = 0: a disabled SPI shows TXP and TXC and sends nothing more', () => {
    const s = setup();
    begin(s, SIMPLEX_TX, 0);
    for (let i = 0; i < 4; i++) s.bus.write8(SPI1 + SPI.TXDR, i);
    s.w(SPI.CR1, 0);
    s.ctx.advanceTo(s.ctx.clock.cycles + 10 * FRAME_CYCLES);
    expect(s.device.frames.length).toBeLessThanOrEqual(1);
    expect(s.r(SPI.SR) & (TXP | TXC)).toBe(TXP | TXC);
  });
});
