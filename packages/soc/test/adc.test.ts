import { describe, expect, it } from 'vitest';
import { ADC, ADC_COMMON, Adc, Adc12Common, Adc3Common, AnalogInputs, DmaController, Dmamux, Rcc, RCC_BASE, SystemBus, adcClocksFrom, busAsDmaPort } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

const ADC1 = 0x4002_2000;
const COMMON = 0x4002_2300;
const DMA1 = 0x4002_0000;
const DMAMUX1 = 0x4002_0800;
const SRAM1 = 0x3000_0000;

// ADC_CR bits (RM0433 ADC_CR): ADEN 0, ADDIS 1, ADSTART 2, ADSTP 4, ADCALLIN 16, ADVREGEN 28, DEEPPWD 29, ADCAL 31.
const ADEN = 1 << 0;
const ADDIS = 1 << 1;
const ADSTART = 1 << 2;
const ADCALLIN = 1 << 16;
const ADVREGEN = 1 << 28;
const DEEPPWD = 1 << 29;
const ADCAL = 1 << 31;
// ADC_ISR: ADRDY 0, EOSMP 1, EOC 2, EOS 3, OVR 4.
const ADRDY = 1 << 0;
const EOC = 1 << 2;
const EOS = 1 << 3;
const OVR = 1 << 4;
// ADC_CFGR: DMNGT 1:0 (11 circular), RES 4:2, CONT 13. CFGR2: ROVSE 0, OVSS 8:5, OSR 25:16.
const DMA_CIRCULAR = 3;
const DMA_ONE_SHOT = 1;
const CONT = 1 << 13;
const RES_12_BIT = 2 << 2;

/**
 * The ADC clock under libDaisy's clock set-up: adc_ker_ck = PLL3 R = 16 MHz / 6 × 295 / 32 = 24.583 MHz
 * (RCC_D3CCIPR.ADCSEL = 01), CCR.PRESC = 0001 (/2), and the revision-V internal /2: 6.1458 MHz.
 * CPU at 400 MHz: 400 / 6.1458 = 65.085 CPU cycles per ADC cycle.
 */
const CPU_PER_ADC = 400e6 / ((16e6 / 6) * 295 / 32 / 4);

function setup(levels: Record<string, number> = {}) {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const rcc = new Rcc(ctx);
  bus.mapDevice(rcc);
  programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
  const dmamux = new Dmamux(ctx);
  const dma1 = new DmaController('DMA1', DMA1, ctx, busAsDmaPort(bus), dmamux);
  const inputs = new AnalogInputs();
  for (const [pin, level] of Object.entries(levels)) inputs.set(pin, level);
  const common = new Adc12Common(ctx);
  const adc1 = new Adc(ctx, 'ADC1', common, { clocks: adcClocksFrom(rcc.clockTree), dmamux, inputs });
  for (const d of [dmamux, dma1, common, adc1]) bus.mapDevice(d);
  const r = (o: number) => bus.read32(ADC1 + o);
  const w = (o: number, v: number) => bus.write32(ADC1 + o, v);
  bus.write32(COMMON + ADC_COMMON.CCR, 1 << 18); // ADC_CLOCK_ASYNC_DIV2, as libDaisy's AdcHandle
  return { ctx, bus, r, w, inputs, adc1 };
}

/** HAL_ADC_Init / ADC_Enable order: leave deep power-down, regulator on, ADEN, wait for ADRDY. */
function powerUpAndEnable(s: ReturnType<typeof setup>) {
  s.w(ADC.CR, 0); // DEEPPWD = 0
  s.w(ADC.CR, ADVREGEN);
  s.w(ADC.CR, ADVREGEN | ADEN);
  s.ctx.advanceTo(s.ctx.clock.cycles + 100 * CPU_PER_ADC);
  expect(s.r(ADC.ISR) & ADRDY).toBe(ADRDY);
}

/** Regular sequence: SQR1.L = n − 1 and SQ1… (SQ1 at SQR1 bits 10:6, SQ2 at 16:12 — RM0433 ADC_SQR1). */
function sequence(s: ReturnType<typeof setup>, channels: number[]) {
  let sqr1 = channels.length - 1;
  channels.forEach((c, i) => (sqr1 |= c << (6 * (i + 1))));
  s.w(ADC.SQR1, sqr1);
}

describe('ADC1 (RM0433 ADC chapter)', () => {
  it('resets in deep power-down: ADC_CR = 0x2000_0000', () => {
    const s = setup();
    expect(s.r(ADC.CR) >>> 0).toBe(0x2000_0000);
  });

  it('ignores ADEN while in deep power-down or with the regulator off', () => {
    const s = setup();
    s.w(ADC.CR, DEEPPWD | ADEN);
    expect(s.r(ADC.CR) & ADEN).toBe(0);
    s.w(ADC.CR, ADEN); // out of deep power-down but ADVREGEN = 0
    expect(s.r(ADC.CR) & ADEN).toBe(0);
    s.ctx.advanceTo(1_000_000);
    expect(s.r(ADC.ISR) & ADRDY).toBe(0);
  });

  it('runs an offset + linearity calibration for 165 000 ADC cycles, then clears ADCAL', () => {
    const s = setup();
    s.w(ADC.CR, ADVREGEN);
    s.w(ADC.CR, ADVREGEN | ADCALLIN | ADCAL);
    // 165 000 ADC cycles × 65.085 = 10 738 983 CPU cycles (about 26.8 ms at 400 MHz).
    s.ctx.advanceTo(10_738_000);
    expect(s.r(ADC.CR) & ADCAL).not.toBe(0);
    s.ctx.advanceTo(10_740_000);
    expect(s.r(ADC.CR) & ADCAL).toBe(0);
    expect(s.r(ADC.CR) & ADVREGEN).toBe(ADVREGEN); // plain bits unchanged
  });

  it('runs an offset-only calibration (ADCALLIN = 0) for 1 280 ADC cycles', () => {
    const s = setup();
    s.w(ADC.CR, ADVREGEN);
    s.w(ADC.CR, ADVREGEN | ADCAL);
    // 1 280 ADC cycles × 65.085 = 83 309 CPU cycles (about 0.2 ms at 400 MHz), not the 26.8 ms of the full one.
    s.ctx.advanceTo(83_000);
    expect(s.r(ADC.CR) & ADCAL).not.toBe(0);
    s.ctx.advanceTo(83_400);
    expect(s.r(ADC.CR) & ADCAL).toBe(0);
  });

  it('writing 0 to the set-only bits does not clear them (ADCAL is cleared by hardware only)', () => {
    const s = setup();
    s.w(ADC.CR, ADVREGEN);
    s.w(ADC.CR, ADVREGEN | ADCAL);
    s.w(ADC.CR, ADVREGEN);
    expect(s.r(ADC.CR) & ADCAL).not.toBe(0);
  });

  it('converts a 16-bit sample in t_SMPL + t_SAR = 8.5 + 8.5 ADC cycles; level ¼ of VREF+ reads 16384', () => {
    const s = setup({ PC4: 0.25 }); // PC4 = ADC12_INP4
    powerUpAndEnable(s);
    s.w(ADC.SMPR1, 2 << 12); // SMP4 = 010: 8.5 cycles
    sequence(s, [4]);
    const start = s.ctx.clock.cycles;
    s.w(ADC.CR, ADVREGEN | ADEN | ADSTART);
    // 17 ADC cycles × 65.085 = 1106.4 CPU cycles.
    s.ctx.advanceTo(start + 1100);
    expect(s.r(ADC.ISR) & EOC).toBe(0);
    s.ctx.advanceTo(start + 1110);
    expect(s.r(ADC.ISR) & (EOC | EOS)).toBe(EOC | EOS);
    expect(s.r(ADC.CR) & ADSTART).toBe(0); // single mode: ADSTART clears at the end of the sequence
    expect(s.r(ADC.DR)).toBe(16384); // floor(0.25 × 65536)
    expect(s.r(ADC.ISR) & EOC).toBe(0); // reading DR cleared EOC
  });

  it('reads mid-scale from a pin nobody set, and 12-bit resolution takes t_SAR = 6.5 cycles', () => {
    const s = setup();
    powerUpAndEnable(s);
    s.w(ADC.CFGR, RES_12_BIT);
    sequence(s, [3]); // SMP3 = 000: 1.5 cycles
    const start = s.ctx.clock.cycles;
    s.w(ADC.CR, ADVREGEN | ADEN | ADSTART);
    // (1.5 + 6.5) × 65.085 = 520.7 CPU cycles.
    s.ctx.advanceTo(start + 515);
    expect(s.r(ADC.ISR) & EOC).toBe(0);
    s.ctx.advanceTo(start + 525);
    expect(s.r(ADC.DR)).toBe(2048); // 0.5 × 4096
  });

  it('oversamples: ratio 32 with shift 5 keeps the value, shift 4 doubles it; the time is 32 conversions', () => {
    const s = setup({ PA6: 0.25 }); // PA6 = INP3
    powerUpAndEnable(s);
    sequence(s, [3]);
    s.w(ADC.SMPR1, 2 << 9); // 8.5 cycles
    s.w(ADC.CFGR2, 1 | (5 << 5) | (31 << 16)); // ROVSE, OVSS = 5, OSR = 31 (×32)
    let start = s.ctx.clock.cycles;
    s.w(ADC.CR, ADVREGEN | ADEN | ADSTART);
    // 32 × 17 = 544 ADC cycles = 35 406 CPU cycles.
    s.ctx.advanceTo(start + 35_300);
    expect(s.r(ADC.ISR) & EOC).toBe(0);
    s.ctx.advanceTo(start + 35_500);
    expect(s.r(ADC.DR)).toBe(16384);
    s.w(ADC.CFGR2, 1 | (4 << 5) | (31 << 16));
    start = s.ctx.clock.cycles;
    s.w(ADC.CR, ADVREGEN | ADEN | ADSTART);
    s.ctx.advanceTo(start + 35_500);
    expect(s.r(ADC.DR)).toBe(32768); // 32 × 16384 >> 4
  });

  it('feeds DMA1 stream 2 in circular mode through DMAMUX1 request 9 (libDaisy AdcHandle with two knobs)', () => {
    const s = setup({ PC4: 0.25, PA7: 0.75 });
    powerUpAndEnable(s);
    sequence(s, [4, 7]);
    s.w(ADC.CFGR, DMA_CIRCULAR | CONT);
    // DMAMUX1 channel 2 → DMA1 stream 2, request 9 = ADC1 (RM0433 DMAMUX1 request table).
    s.bus.write32(DMAMUX1 + 2 * 4, 9);
    const S2 = 0x10 + 0x18 * 2;
    s.bus.write32(DMA1 + S2 + 4, 2); // NDTR: one halfword per channel
    s.bus.write32(DMA1 + S2 + 8, ADC1 + ADC.DR);
    s.bus.write32(DMA1 + S2 + 12, SRAM1);
    s.bus.write32(DMA1 + S2 + 0, (1 << 4) | (1 << 8) | (1 << 10) | (1 << 11) | (1 << 13) | 1); // TCIE CIRC MINC PSIZE/MSIZE 16 EN
    s.bus.write32(SRAM1, 0);
    const start = s.ctx.clock.cycles;
    s.w(ADC.CR, ADVREGEN | ADEN | ADSTART);
    // Both conversions: 2 × (1.5 + 8.5) ADC cycles = 1301.7 CPU cycles.
    s.ctx.advanceTo(start + 1310);
    expect(s.bus.read16(SRAM1)).toBe(16384);
    expect(s.bus.read16(SRAM1 + 2)).toBe(49152); // 0.75 × 65536
    expect(s.ctx.irqLevels.get(13)).toBe(true); // DMA1_Stream2 TC
    expect(s.r(ADC.ISR) & OVR).toBe(0); // the DMA read DR each time
    expect(s.r(ADC.CR) & ADSTART).toBe(ADSTART); // continuous: still running
    // Knob turned: the next pass over the sequence picks it up.
    s.inputs.set('PC4', 1);
    s.ctx.advanceTo(start + 2 * 1310);
    expect(s.bus.read16(SRAM1)).toBe(65535); // saturates at 2^16 − 1
  });

  it('stops DMA requests after a one-shot transfer and flags overrun on the next result', () => {
    const s = setup();
    powerUpAndEnable(s);
    sequence(s, [4]);
    s.w(ADC.CFGR, DMA_ONE_SHOT | CONT);
    s.bus.write32(DMAMUX1 + 2 * 4, 9);
    const S2 = 0x10 + 0x18 * 2;
    s.bus.write32(DMA1 + S2 + 4, 1);
    s.bus.write32(DMA1 + S2 + 8, ADC1 + ADC.DR);
    s.bus.write32(DMA1 + S2 + 12, SRAM1);
    s.bus.write32(DMA1 + S2 + 0, (1 << 10) | (1 << 11) | (1 << 13) | 1);
    const start = s.ctx.clock.cycles;
    s.w(ADC.CR, ADVREGEN | ADEN | ADSTART);
    s.ctx.advanceTo(start + 660); // one conversion: 10 ADC cycles = 651 CPU cycles
    expect(s.bus.read32(DMA1 + S2) & 1).toBe(0); // normal mode: EN cleared at the end of the transfer
    expect(s.r(ADC.ISR) & OVR).toBe(0);
    s.ctx.advanceTo(start + 1310); // the second result stays in DR: nobody reads it
    expect(s.r(ADC.ISR) & (EOC | OVR)).toBe(EOC);
    s.ctx.advanceTo(start + 1960); // the third finds EOC still set: overrun
    expect(s.r(ADC.ISR) & OVR).toBe(OVR);
  });

  it('ADDIS stops conversions and clears ADEN; the common CSR mirrors ADC1 ISR in bits 10:0', () => {
    const s = setup();
    powerUpAndEnable(s);
    expect(s.bus.read32(COMMON + ADC_COMMON.CSR) & ADRDY).toBe(ADRDY);
    sequence(s, [4]);
    s.w(ADC.CFGR, CONT);
    s.w(ADC.CR, ADVREGEN | ADEN | ADSTART);
    s.w(ADC.CR, ADVREGEN | ADEN | ADDIS);
    expect(s.r(ADC.CR) & (ADEN | ADDIS | ADSTART)).toBe(0);
    s.ctx.advanceTo(s.ctx.clock.cycles + 10_000);
    expect(s.r(ADC.ISR) & EOC).toBe(0);
  });

  it('raises the shared ADC1_2 line (IRQ 18) for an enabled flag and drops it when the flag is cleared', () => {
    const s = setup();
    s.w(ADC.CR, 0);
    s.w(ADC.CR, ADVREGEN | ADEN);
    s.w(ADC.IER, ADRDY);
    s.ctx.advanceTo(10_000);
    expect(s.ctx.irqLevels.get(18)).toBe(true);
    s.w(ADC.ISR, ADRDY); // write 1 to clear
    expect(s.ctx.irqLevels.get(18)).toBe(false);
  });

  it('rejects analog levels outside 0…1 and names that are not pins', () => {
    const inputs = new AnalogInputs();
    expect(() => inputs.set('PC4', 1.5)).toThrow(/outside 0…1/);
    expect(() => inputs.set('knob1', 0.5)).toThrow(/not a pin name/);
    inputs.set('pc4', 0.1);
    expect(inputs.level('PC4')).toBe(0.1);
  });
});

describe('ADC3 (D3 domain: own registers at 0x5802_6000, own common block, NVIC line 127)', () => {
  it('converts the dedicated pad PC2_C on INP0 with its own clock prescaler, and interrupts on line 127', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx, { autoUnmodelled: false });
    const rcc = new Rcc(ctx);
    bus.mapDevice(rcc);
    programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
    const inputs = new AnalogInputs();
    inputs.set('PC2_C', 0.25);
    const adc12Common = new Adc12Common(ctx);
    const common = new Adc3Common(ctx);
    const adc3 = new Adc(ctx, 'ADC3', common, { clocks: adcClocksFrom(rcc.clockTree), dmamux: null, inputs });
    for (const d of [adc12Common, common, adc3]) bus.mapDevice(d);
    const ADC3 = 0x5802_6000;
    const r = (o: number) => bus.read32(ADC3 + o);
    const w = (o: number, v: number) => bus.write32(ADC3 + o, v);
    bus.write32(0x5802_6300 + ADC_COMMON.CCR, 1 << 18); // ADC3's own PRESC: /2 (ADC1/2's common block untouched)
    w(ADC.CR, 0);
    w(ADC.CR, ADVREGEN);
    w(ADC.CR, ADVREGEN | ADEN);
    ctx.advanceTo(ctx.clock.cycles + 100 * CPU_PER_ADC);
    expect(r(ADC.ISR) & ADRDY).toBe(ADRDY);
    w(ADC.IER, EOC); // EOCIE
    w(ADC.SMPR1, 2); // SMP0 = 010: 8.5 cycles
    w(ADC.SQR1, 0); // L = 0, SQ1 = INP0
    const start = ctx.clock.cycles;
    w(ADC.CR, ADVREGEN | ADEN | ADSTART);
    // 17 ADC cycles × 65.085 = 1106.4 CPU cycles, as for ADC1 with the same prescaler.
    ctx.advanceTo(start + 1110);
    expect(r(ADC.ISR) & EOC).toBe(EOC);
    expect(ctx.irqRaised).toEqual([127]);
    expect(r(ADC.DR)).toBe(16384); // floor(0.25 × 65536)
  });
});
