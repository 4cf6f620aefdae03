import { describe, expect, it } from 'vitest';
import { DAC, Dac, DAC_IRQ, DAC_TRIGGER, DmaController, Dmamux, GeneralPurposeTimer, Rcc, RCC_BASE, SystemBus, TIM, busAsDmaPort, shareIrqLine } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

const DAC1 = 0x4000_7400;
const TIM6 = 0x4000_1000;
const DMA2 = 0x4002_0400;
const DMAMUX1 = 0x4002_0800;
const SRAM1 = 0x3000_0000;

// DAC_CR (RM0433): EN1 0, TEN1 1, TSEL1 5:2, DMAEN1 12, DMAUDRIE1 13; channel 2 at +16. DAC_SR.DMAUDR1 = bit 13.
const EN1 = 1 << 0;
const TEN1 = 1 << 1;
const TSEL_TIM6 = DAC_TRIGGER.TIM6_TRGO << 2;
const DMAEN1 = 1 << 12;
const DMAUDRIE1 = 1 << 13;
const DMAUDR1 = 1 << 13;
const EN2 = 1 << 16;

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const rcc = new Rcc(ctx);
  bus.mapDevice(rcc);
  programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
  const dmamux = new Dmamux(ctx);
  const dma2 = new DmaController('DMA2', DMA2, ctx, busAsDmaPort(bus), dmamux);
  // TIM6 and the DAC underrun share NVIC line 54, wired as in attachStorageAndAudioPeripherals.
  const [dacContext, timContext] = shareIrqLine(ctx, DAC_IRQ, 2);
  const dac = new Dac(dacContext, dmamux);
  const tim6 = new GeneralPurposeTimer(timContext, 'TIM6', rcc.clockTree);
  tim6.onTrigger(() => dac.trigger(DAC_TRIGGER.TIM6_TRGO));
  for (const d of [dmamux, dma2, dac, tim6]) bus.mapDevice(d);
  const r = (o: number) => bus.read32(DAC1 + o);
  const w = (o: number, v: number) => bus.write32(DAC1 + o, v);
  return { ctx, bus, r, w, dac };
}

/**
 * libDaisy's DacHandle DMA mode paces the DAC with TIM6: PSC = 1, ARR = 2082, MMS = 010 (TRGO on update).
 * TIM6 runs at 200 MHz (APB1 timer clock), so one update per 2 × 2083 timer ticks = 8332 CPU cycles at
 * 400 MHz (48.007 kHz).
 */
const UPDATE_CYCLES = 8332;
/** HAL_TIM_Base_Init + HAL_TIMEx_MasterConfigSynchronization, as DacHandle::Init does before the DAC starts. */
function configureTim6(s: ReturnType<typeof setup>) {
  s.bus.write32(TIM6 + TIM.PSC, 1);
  s.bus.write32(TIM6 + TIM.ARR, 2082);
  s.bus.write32(TIM6 + TIM.EGR, 1); // load PSC (MMS still 000: this UG pulses TRGO while the DAC is off)
  s.bus.write32(TIM6 + TIM.CR2, 2 << 4);
}
/** HAL_TIM_Base_Start: CEN. */
function startTim6(s: ReturnType<typeof setup>) {
  s.bus.write32(TIM6 + TIM.CR1, 1);
}

describe('DAC1 (RM0433 DAC chapter)', () => {
  it('without a trigger, DOR follows the 12-bit right-aligned holding register', () => {
    const s = setup();
    s.w(DAC.CR, EN1 | EN2);
    s.w(DAC.DHR12R1, 0x0abc);
    expect(s.r(DAC.DOR1)).toBe(0xabc);
    s.w(DAC.DHR12L2, 0x1230); // left-aligned: bits 15:4
    expect(s.r(DAC.DOR2)).toBe(0x123);
    s.w(DAC.DHR12RD, (0x0456 << 16) | 0x0789); // dual: channel 2 in the upper half
    expect([s.r(DAC.DOR1), s.r(DAC.DOR2)]).toEqual([0x789, 0x456]);
    expect(s.dac.output(0)).toBeCloseTo(0x789 / 4095, 6);
  });

  it('with TEN and a software trigger, DOR changes only at SWTRIG', () => {
    const s = setup();
    s.w(DAC.CR, EN1 | TEN1); // TSEL = 0000: software trigger
    s.w(DAC.DHR12R1, 1000);
    expect(s.r(DAC.DOR1)).toBe(0);
    s.w(DAC.SWTRGR, 1);
    expect(s.r(DAC.DOR1)).toBe(1000);
    expect(s.r(DAC.SWTRGR)).toBe(0);
  });

  it('steps through a DMA buffer at each TIM6 TRGO, one sample behind (DHR → DOR, then the request refills DHR)', () => {
    const s = setup();
    [100, 200, 300, 400].forEach((v, i) => s.bus.write16(SRAM1 + 2 * i, v));
    s.bus.write32(DMAMUX1 + 8 * 4, 67); // DMAMUX1 channel 8 → DMA2 stream 0, request 67 = DAC channel 1
    s.bus.write32(DMA2 + 0x10 + 4, 4);
    s.bus.write32(DMA2 + 0x10 + 8, DAC1 + DAC.DHR12R1);
    s.bus.write32(DMA2 + 0x10 + 12, SRAM1);
    s.bus.write32(DMA2 + 0x10, (1 << 6) | (1 << 8) | (1 << 10) | (1 << 11) | (1 << 13) | 1); // M→P, CIRC, MINC, 16-bit, EN
    configureTim6(s);
    s.w(DAC.CR, EN1 | TEN1 | TSEL_TIM6 | DMAEN1);
    startTim6(s);
    const t0 = s.ctx.clock.cycles;
    const outputs: number[] = [];
    for (let k = 1; k <= 6; k++) {
      s.ctx.advanceTo(t0 + k * UPDATE_CYCLES);
      outputs.push(s.r(DAC.DOR1));
    }
    expect(outputs).toEqual([0, 100, 200, 300, 400, 100]);
    expect(s.r(DAC.SR) & DMAUDR1).toBe(0);
  });

  it('flags a DMA underrun (and raises TIM6_DAC, IRQ 54) when a trigger finds no stream serving it', () => {
    const s = setup();
    configureTim6(s);
    s.w(DAC.CR, EN1 | TEN1 | TSEL_TIM6 | DMAEN1 | DMAUDRIE1);
    startTim6(s);
    s.ctx.advanceTo(s.ctx.clock.cycles + UPDATE_CYCLES);
    expect(s.r(DAC.SR) & DMAUDR1).toBe(DMAUDR1);
    expect(s.ctx.irqLevels.get(54)).toBe(true);
    s.w(DAC.SR, DMAUDR1); // rc_w1
    expect(s.ctx.irqLevels.get(54)).toBe(false);
  });

  it('ignores a trigger from a timer the channel did not select', () => {
    const s = setup();
    s.w(DAC.CR, EN1 | TEN1 | (DAC_TRIGGER.TIM7_TRGO << 2));
    s.w(DAC.DHR12R1, 77);
    configureTim6(s);
    startTim6(s);
    s.ctx.advanceTo(s.ctx.clock.cycles + 3 * UPDATE_CYCLES);
    expect(s.r(DAC.DOR1)).toBe(0);
  });
});
