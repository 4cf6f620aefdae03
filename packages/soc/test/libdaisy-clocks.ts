import { RCC } from '../src/index.js';

/** libDaisy's System::ConfigureClocks at 400 MHz, register values from libdaisy-facts §3 (trace). */
export function programLibDaisyClocks(w: (o: number, v: number) => void, r: (o: number) => number) {
  w(RCC.PLLCKSELR, 0x2);
  w(RCC.CR, r(RCC.CR) | (1 << 16)); // HSEON
  w(RCC.CR, r(RCC.CR) | (1 << 12)); // HSI48ON
  w(RCC.PLLCKSELR, 0x00601042);
  w(RCC.PLL1DIVR, 0x010402c7);
  w(RCC.PLL1FRACR, 0);
  w(RCC.PLL2DIVR, 0x00010e0b);
  w(RCC.PLL2FRACR, 0x8000);
  w(RCC.PLL3DIVR, 0x1f031f26);
  w(RCC.PLL3FRACR, 0);
  w(RCC.PLLCFGR, 0x016f0599);
  w(RCC.CR, r(RCC.CR) | (1 << 24) | (1 << 26) | (1 << 28)); // PLL1ON, PLL2ON, PLL3ON
  w(RCC.D1CFGR, 0x48);
  w(RCC.D2CFGR, 0x440);
  w(RCC.D3CFGR, 0x40);
  w(RCC.CFGR, (r(RCC.CFGR) & ~7) | 3); // SW = PLL1
  w(RCC.D1CCIPR, 0x10002);
  w(RCC.D2CCIP1R, 0x1082);
  w(RCC.D2CCIP2R, 0x00300000);
  w(RCC.D3CCIPR, 0x00010000);
}

