/**
 * The STM32H750 clock tree computed from RCC register values (RM0433 RCC chapter "Reset and clock control").
 * Frequencies are in Hz; a clock that is stopped (oscillator off, PLL off, divider output disabled)
 * is 0. Pure computation: the RCC model feeds it register values and notifies listeners.
 */

/** Oscillator frequencies. Daisy Seed: 16 MHz HSE crystal (libDaisy HSE_VALUE, hw-facts §3.1). */
export interface Oscillators {
  /** RM0433 RCC chapter: HSI is 64 MHz before its HSIDIV divider. */
  readonly hsi: number;
  /** RM0433 RCC chapter: CSI is 4 MHz. */
  readonly csi: number;
  readonly hse: number;
  /** RM0433 RCC chapter: HSI48 is 48 MHz. */
  readonly hsi48: number;
  /** LSE/LSI are not used by any Daisy clock path; 32.768 kHz / 32 kHz per RM0433 RCC chapter */
  readonly lse: number;
  readonly lsi: number;
}

export const DAISY_OSCILLATORS: Oscillators = { hsi: 64e6, csi: 4e6, hse: 16e6, hsi48: 48e6, lse: 32768, lsi: 32e3 };

/** The RCC registers the tree depends on (RM0433 RCC chapter). */
export interface RccClockRegisters {
  cr: number;
  cfgr: number;
  d1cfgr: number;
  d2cfgr: number;
  d3cfgr: number;
  pllckselr: number;
  pllcfgr: number;
  plldivr: readonly [number, number, number];
  pllfracr: readonly [number, number, number];
  d1ccipr: number;
  d2ccip1r: number;
  d2ccip2r: number;
  d3ccipr: number;
}

export interface PllOutputs {
  /** Reference clock after DIVMx (ref_x_ck). */
  readonly ref: number;
  readonly vco: number;
  readonly p: number;
  readonly q: number;
  readonly r: number;
}

export interface ClockFrequencies {
  readonly hsi: number;
  readonly csi: number;
  readonly hse: number;
  readonly hsi48: number;
  readonly pll1: PllOutputs;
  readonly pll2: PllOutputs;
  readonly pll3: PllOutputs;
  /** sys_ck: the CFGR.SWS-selected source. */
  readonly sysclk: number;
  /** sys_d1cpre_ck: the Cortex-M7 clock (CPU, SysTick, DWT). */
  readonly cpu: number;
  /** rcc_hclk1..4 / rcc_aclk: AXI and AHB buses (D1 HPRE output). */
  readonly hclk: number;
  /** APB1 (D2PPRE1), APB2 (D2PPRE2), APB3 (D1PPRE), APB4 (D3PPRE). */
  readonly pclk1: number;
  readonly pclk2: number;
  readonly pclk3: number;
  readonly pclk4: number;
  /** Timer kernel clocks of APB1 (TIM2–7, 12–14) and APB2 (TIM1, 8, 15–17) (RM0433 §8.5.10). */
  readonly timerApb1: number;
  readonly timerApb2: number;
  /** per_ck (D1CCIPR.CKPERSEL). */
  readonly per: number;
  /** fmc_ker_ck (D1CCIPR.FMCSEL). */
  readonly fmc: number;
  /** quadspi_ker_ck (D1CCIPR.QSPISEL). */
  readonly qspi: number;
  /** sai1_ker_ck (D2CCIP1R.SAI1SEL) and sai2/3 (SAI23SEL). */
  readonly sai1: number;
  readonly sai23: number;
  /** i2c1/2/3_ker_ck (D2CCIP2R.I2C123SEL) and i2c4 (D3CCIPR.I2C4SEL). */
  readonly i2c123: number;
  readonly i2c4: number;
  /** usart2/3/4/5/7/8 (D2CCIP2R.USART234578SEL), usart1/6 (USART16SEL), lpuart1 (D3CCIPR.LPUART1SEL). */
  readonly usart234578: number;
  readonly usart16: number;
  readonly lpuart1: number;
  /** rng_ker_ck (D2CCIP2R.RNGSEL). */
  readonly rng: number;
  /** adc_ker_ck of ADC1/2/3 (D3CCIPR.ADCSEL). */
  readonly adc: number;
  /** spi1/2/3_ker_ck (D2CCIP1R.SPI123SEL), spi4/5 (SPI45SEL), spi6 (D3CCIPR.SPI6SEL). */
  readonly spi123: number;
  readonly spi45: number;
  readonly spi6: number;
}

const bits = (value: number, lo: number, width: number): number => (value >>> lo) & ((1 << width) - 1);

/** CR ON/RDY bit pairs (RM0433 RCC chapter). */
export const RCC_CR = {
  HSION: 1 << 0,
  HSIRDY: 1 << 2,
  HSIDIVF: 1 << 5,
  CSION: 1 << 7,
  CSIRDY: 1 << 8,
  HSI48ON: 1 << 12,
  HSI48RDY: 1 << 13,
  D1CKRDY: 1 << 14,
  D2CKRDY: 1 << 15,
  HSEON: 1 << 16,
  HSERDY: 1 << 17,
  PLL1ON: 1 << 24,
  PLL1RDY: 1 << 25,
  PLL2ON: 1 << 26,
  PLL2RDY: 1 << 27,
  PLL3ON: 1 << 28,
  PLL3RDY: 1 << 29,
} as const;

/**
 * AHB prescaler encodings HPRE / D1CPRE (RM0433 RCC chapter D1CFGR): 0xxx = /1, 1000 = /2, 1001 = /4,
 * 1010 = /8, 1011 = /16, 1100 = /64, 1101 = /128, 1110 = /256, 1111 = /512 (there is no /32).
 */
export function ahbDivider(code: number): number {
  return code < 8 ? 1 : [2, 4, 8, 16, 64, 128, 256, 512][code - 8];
}

/** APB prescaler encodings D1PPRE/D2PPRE1/D2PPRE2/D3PPRE: 0xx = /1, 100 = /2, 101 = /4, 110 = /8, 111 = /16. */
export function apbDivider(code: number): number {
  return code < 4 ? 1 : 1 << (code - 3);
}

/**
 * Timer kernel clock for one APB (RM0433 §8.5.10, "Ratio between clock timer and pclk"):
 * TIMPRE = 0: ×1 when the APB prescaler is /1, else ×2 of pclk (capped at hclk).
 * TIMPRE = 1: hclk when the APB prescaler is /1, /2 or /4, else ×4 of pclk.
 */
export function timerClock(hclk: number, apbDiv: number, timpre: boolean): number {
  if (!timpre) return apbDiv === 1 ? hclk : (2 * hclk) / apbDiv;
  return apbDiv <= 4 ? hclk : (4 * hclk) / apbDiv;
}

function computePll(index: 0 | 1 | 2, regs: RccClockRegisters, source: number): PllOutputs {
  const onBit = [RCC_CR.PLL1ON, RCC_CR.PLL2ON, RCC_CR.PLL3ON][index];
  // PLLCKSELR: DIVM1 bits 9:4, DIVM2 17:12, DIVM3 25:20; 0 = prescaler disabled (RM0433 RCC chapter).
  const divm = bits(regs.pllckselr, [4, 12, 20][index], 6);
  const ref = divm === 0 ? 0 : source / divm;
  const on = (regs.cr & onBit) !== 0;
  const divr = regs.plldivr[index];
  // PLLxDIVR: DIVN bits 8:0 (N = DIVN + 1), DIVP 15:9, DIVQ 22:16, DIVR 30:24 (divide by value + 1).
  const n = bits(divr, 0, 9) + 1;
  // PLLCFGR.PLLxFRACEN (bits 0, 4, 8) enables the fractional part FRACN = PLLxFRACR bits 15:3.
  const fracEnabled = (regs.pllcfgr & (1 << (index * 4))) !== 0;
  const fracn = fracEnabled ? bits(regs.pllfracr[index], 3, 13) : 0;
  // RM0433 §8.5.5: Fvco = Fref × (DIVN + 1 + FRACN / 2^13).
  const vco = on ? ref * (n + fracn / 8192) : 0;
  // PLLCFGR divider enables: DIVP1EN bit 16, DIVQ1EN 17, DIVR1EN 18, then +3 per PLL.
  const en = (k: number) => (regs.pllcfgr & (1 << (16 + index * 3 + k))) !== 0;
  return {
    ref,
    vco,
    p: en(0) ? vco / (bits(divr, 9, 7) + 1) : 0,
    q: en(1) ? vco / (bits(divr, 16, 7) + 1) : 0,
    r: en(2) ? vco / (bits(divr, 24, 7) + 1) : 0,
  };
}

export function computeClocks(regs: RccClockRegisters, osc: Oscillators = DAISY_OSCILLATORS): ClockFrequencies {
  const cr = regs.cr;
  // CR.HSIDIV bits 4:3 divides HSI by 1, 2, 4, 8 (RM0433 RCC chapter).
  const hsi = cr & RCC_CR.HSION ? osc.hsi / (1 << bits(cr, 3, 2)) : 0;
  const csi = cr & RCC_CR.CSION ? osc.csi : 0;
  const hse = cr & RCC_CR.HSEON ? osc.hse : 0;
  const hsi48 = cr & RCC_CR.HSI48ON ? osc.hsi48 : 0;
  // PLLCKSELR.PLLSRC bits 1:0: 0 HSI, 1 CSI, 2 HSE, 3 none.
  const pllSource = [hsi, csi, hse, 0][bits(regs.pllckselr, 0, 2)];
  const pll1 = computePll(0, regs, pllSource);
  const pll2 = computePll(1, regs, pllSource);
  const pll3 = computePll(2, regs, pllSource);

  // CFGR.SWS bits 5:3: 0 HSI, 1 CSI, 2 HSE, 3 PLL1 P.
  const sysclk = [hsi, csi, hse, pll1.p, 0, 0, 0, 0][bits(regs.cfgr, 3, 3)];
  // D1CFGR: HPRE bits 3:0, D1PPRE 6:4, D1CPRE 11:8.
  const cpu = sysclk / ahbDivider(bits(regs.d1cfgr, 8, 4));
  const hclk = cpu / ahbDivider(bits(regs.d1cfgr, 0, 4));
  const pclk3 = hclk / apbDivider(bits(regs.d1cfgr, 4, 3));
  // D2CFGR: D2PPRE1 bits 6:4, D2PPRE2 10:8. D3CFGR: D3PPRE bits 6:4.
  const apb1Div = apbDivider(bits(regs.d2cfgr, 4, 3));
  const apb2Div = apbDivider(bits(regs.d2cfgr, 8, 3));
  const pclk1 = hclk / apb1Div;
  const pclk2 = hclk / apb2Div;
  const pclk4 = hclk / apbDivider(bits(regs.d3cfgr, 4, 3));
  // CFGR.TIMPRE bit 15.
  const timpre = (regs.cfgr & (1 << 15)) !== 0;

  // D1CCIPR: FMCSEL 1:0, QSPISEL 5:4 (0 hclk3, 1 pll1_q, 2 pll2_r, 3 per_ck), CKPERSEL 29:28 (0 hsi_ker, 1 csi_ker, 2 hse).
  const per = [hsi, csi, hse, 0][bits(regs.d1ccipr, 28, 2)];
  const d1Mux = (sel: number) => [hclk, pll1.q, pll2.r, per][sel];
  // D2CCIP1R: SAI1SEL 2:0, SAI23SEL 8:6 (0 pll1_q, 1 pll2_p, 2 pll3_p, 3 I2S_CKIN (not modelled: 0), 4 per_ck).
  const saiMux = (sel: number) => [pll1.q, pll2.p, pll3.p, 0, per, 0, 0, 0][sel];
  // D2CCIP2R: USART234578SEL 2:0 (0 pclk1, 1 pll2_q, 2 pll3_q, 3 hsi_ker, 4 csi_ker, 5 lse), USART16SEL 5:3 (pclk2 first),
  // RNGSEL 9:8 (0 hsi48, 1 pll1_q, 2 lse, 3 lsi), I2C123SEL 13:12 (0 pclk1, 1 pll3_r, 2 hsi_ker, 3 csi_ker).
  const usartMux = (pclk: number, sel: number) => [pclk, pll2.q, pll3.q, hsi, csi, osc.lse, 0, 0][sel];
  // D3CCIPR: LPUART1SEL 2:0 (pclk4 first), I2C4SEL 9:8 (0 pclk4, 1 pll3_r, 2 hsi_ker, 3 csi_ker).
  return {
    hsi,
    csi,
    hse,
    hsi48,
    pll1,
    pll2,
    pll3,
    sysclk,
    cpu,
    hclk,
    pclk1,
    pclk2,
    pclk3,
    pclk4,
    timerApb1: timerClock(hclk, apb1Div, timpre),
    timerApb2: timerClock(hclk, apb2Div, timpre),
    per,
    fmc: d1Mux(bits(regs.d1ccipr, 0, 2)),
    qspi: d1Mux(bits(regs.d1ccipr, 4, 2)),
    sai1: saiMux(bits(regs.d2ccip1r, 0, 3)),
    sai23: saiMux(bits(regs.d2ccip1r, 6, 3)),
    i2c123: [pclk1, pll3.r, hsi, csi][bits(regs.d2ccip2r, 12, 2)],
    i2c4: [pclk4, pll3.r, hsi, csi][bits(regs.d3ccipr, 8, 2)],
    usart234578: usartMux(pclk1, bits(regs.d2ccip2r, 0, 3)),
    usart16: usartMux(pclk2, bits(regs.d2ccip2r, 3, 3)),
    lpuart1: usartMux(pclk4, bits(regs.d3ccipr, 0, 3)),
    rng: [hsi48, pll1.q, osc.lse, osc.lsi][bits(regs.d2ccip2r, 8, 2)],
    // D3CCIPR.ADCSEL bits 17:16: 0 pll2_p, 1 pll3_r, 2 per_ck, 3 reserved.
    adc: [pll2.p, pll3.r, per, 0][bits(regs.d3ccipr, 16, 2)],
    // D2CCIP1R.SPI123SEL bits 14:12: the SAI mux inputs (pll1_q, pll2_p, pll3_p, I2S_CKIN, per_ck).
    spi123: saiMux(bits(regs.d2ccip1r, 12, 3)),
    // D2CCIP1R.SPI45SEL bits 18:16 and D3CCIPR.SPI6SEL bits 30:28: 0 pclk, 1 pll2_q, 2 pll3_q, 3 hsi_ker, 4 csi_ker, 5 hse.
    spi45: [pclk2, pll2.q, pll3.q, hsi, csi, hse, 0, 0][bits(regs.d2ccip1r, 16, 3)],
    spi6: [pclk4, pll2.q, pll3.q, hsi, csi, hse, 0, 0][bits(regs.d3ccipr, 28, 3)],
  };
}

export type ClockTreeListener = (clocks: ClockFrequencies) => void;

/**
 * The live clock tree: current frequencies plus change listeners, so the timing model, SysTick, TIMx,
 * SAI and FMC/QSPI pricing re-derive their rates when firmware reprograms the RCC.
 */
export class ClockTree {
  private current: ClockFrequencies;
  private readonly listeners: ClockTreeListener[] = [];

  constructor(initial: ClockFrequencies) {
    this.current = initial;
  }

  get clocks(): ClockFrequencies {
    return this.current;
  }

  /** Registers a listener called after every change; returns a function that removes it. */
  onChange(listener: ClockTreeListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Installs new frequencies; listeners run only if something changed. */
  update(next: ClockFrequencies): void {
    if (sameClocks(this.current, next)) return;
    this.current = next;
    for (const l of [...this.listeners]) l(next);
  }
}

function sameClocks(a: ClockFrequencies, b: ClockFrequencies): boolean {
  for (const key of Object.keys(a) as (keyof ClockFrequencies)[]) {
    const x = a[key];
    const y = b[key];
    if (typeof x === 'number') {
      if (x !== y) return false;
    } else {
      const px = x as PllOutputs;
      const py = y as PllOutputs;
      if (px.ref !== py.ref || px.vco !== py.vco || px.p !== py.p || px.q !== py.q || px.r !== py.r) return false;
    }
  }
  return true;
}
