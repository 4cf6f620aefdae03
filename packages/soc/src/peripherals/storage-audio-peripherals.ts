import type { SocContext } from '@seedsim/core';
import type { SystemBus } from '../system-bus.js';
import { Adc, Adc12Common, Adc3Common, adcClocksFrom, type AdcName } from './adc.js';
import { AnalogInputs } from './analog-inputs.js';
import { DAC_IRQ, DAC_TRIGGER, Dac } from './dac.js';
import { DmaController, busAsDmaPort } from './dma.js';
import { Dmamux } from './dmamux.js';
import { Fmc, SDRAM_BANK1_BASE, fmcClocksFrom } from './fmc.js';
import { QSPI_WINDOW_BASE, QSPI_WINDOW_SIZE, Quadspi, quadspiClocksFrom } from './quadspi.js';
import type { Rcc } from './rcc.js';
import { Sai, sai1ClocksFrom } from './sai.js';
import { SPI_INSTANCES, Spi, spiClocksFrom, type SpiName } from './spi.js';
import { Sdmmc, sdmmcClocksFrom } from './sdmmc.js';
import { GeneralPurposeTimer } from './tim.js';
import { shareIrqLine } from './shared-irq.js';
import { SDRAM_SIZE } from '../devices/sdram.js';

/** DMAMUX1, DMA1/DMA2, SAI1/SAI2, FMC with the SDRAM chip, QUADSPI with the IS25LP064A, ADC1/ADC2/ADC3, SPI1–6, DAC1 with TIM6/TIM7, SDMMC1. */
export interface StorageAndAudioPeripherals {
  readonly dmamux: Dmamux;
  readonly dma1: DmaController;
  readonly dma2: DmaController;
  readonly sai1: Sai;
  /** SAI2: the second codec of 4-channel boards (Daisy Patch), DMA1 streams 3/4 in libDaisy. */
  readonly sai2: Sai;
  readonly fmc: Fmc;
  readonly quadspi: Quadspi;
  /** The voltages on the analog pins (knobs, CV inputs), read by the ADCs; mid-scale unless set. */
  readonly analog: AnalogInputs;
  readonly adc: Readonly<Record<AdcName, Adc>>;
  readonly adcCommon: Adc12Common;
  readonly adc3Common: Adc3Common;
  readonly spi: Readonly<Record<SpiName, Spi>>;
  readonly dac: Dac;
  /** The basic timers that pace the DAC (TRGO → DAC trigger inputs). */
  readonly tim6: GeneralPurposeTimer;
  readonly tim7: GeneralPurposeTimer;
  /** SDMMC1 with an empty card slot; insert an SdCard to give it one. */
  readonly sdmmc1: Sdmmc;
}

/**
 * Creates the DMA, audio and external-memory peripherals, maps their registers and the SDRAM
 * (0xC000_0000, 64 MB) and QSPI (0x9000_0000, 256 MB window) memories on `bus`, and ties their kernel
 * clocks to the RCC clock tree. DMA masters use `bus` itself (TCM checks happen in the DMA model).
 */
export function attachStorageAndAudioPeripherals(bus: SystemBus, context: SocContext, rcc: Rcc): StorageAndAudioPeripherals {
  const dmamux = new Dmamux(context);
  const port = busAsDmaPort(bus);
  const dma1 = new DmaController('DMA1', 0x4002_0000, context, port, dmamux);
  const dma2 = new DmaController('DMA2', 0x4002_0400, context, port, dmamux);
  const sai1 = new Sai(context, { clocks: sai1ClocksFrom(rcc.clockTree), dmamux });
  // SAI2: DMAMUX1 requests 89 (block A) and 90 (block B), NVIC line 91, kernel clock D2CCIP1R.SAI23SEL
  // (RM0433 DMAMUX1 request table and interrupt vector table).
  const sai2 = new Sai(context, {
    clocks: { kernelHz: () => rcc.clockTree.clocks.sai23, cpuHz: () => rcc.clockTree.clocks.cpu },
    dmamux,
    requestIds: [89, 90],
    irq: 91,
    name: 'SAI2',
    base: 0x4001_5c00,
  });
  const fmc = new Fmc(context, fmcClocksFrom(rcc));
  const quadspi = new Quadspi(context, quadspiClocksFrom(rcc.clockTree));
  fmc.followClockTree(rcc.clockTree);
  quadspi.followClockTree(rcc.clockTree);
  const analog = new AnalogInputs();
  const adcCommon = new Adc12Common(context);
  const adc3Common = new Adc3Common(context);
  const adcOptions = { clocks: adcClocksFrom(rcc.clockTree), dmamux, inputs: analog };
  const adc = {
    ADC1: new Adc(context, 'ADC1', adcCommon, adcOptions),
    ADC2: new Adc(context, 'ADC2', adcCommon, adcOptions),
    ADC3: new Adc(context, 'ADC3', adc3Common, adcOptions),
  };
  const spi = Object.fromEntries(
    (Object.keys(SPI_INSTANCES) as SpiName[]).map((n) => [n, new Spi(context, n, spiClocksFrom(rcc.clockTree, n), dmamux)]),
  ) as Record<SpiName, Spi>;
  const [dacContext, tim6Context] = shareIrqLine(context, DAC_IRQ, 2);
  const dac = new Dac(dacContext, dmamux);
  const tim6 = new GeneralPurposeTimer(tim6Context, 'TIM6', rcc.clockTree);
  const tim7 = new GeneralPurposeTimer(context, 'TIM7', rcc.clockTree);
  tim6.onTrigger(() => dac.trigger(DAC_TRIGGER.TIM6_TRGO));
  tim7.onTrigger(() => dac.trigger(DAC_TRIGGER.TIM7_TRGO));
  // SDMMC1's IDMA is a bus master of its own (AXI, D1 domain); its reach is checked in the SDMMC model.
  const sdmmc1 = new Sdmmc(context, sdmmcClocksFrom(rcc), port);
  const devices = [dmamux, dma1, dma2, sai1, sai2, fmc, quadspi, adcCommon, adc3Common, adc.ADC1, adc.ADC2, adc.ADC3, ...Object.values(spi), dac, tim6, tim7, sdmmc1];
  for (const device of devices) bus.mapDevice(device);
  bus.mapMemory(SDRAM_BANK1_BASE, SDRAM_SIZE, fmc.sdramWindow);
  bus.mapMemory(QSPI_WINDOW_BASE, QSPI_WINDOW_SIZE, quadspi.window);
  return { dmamux, dma1, dma2, sai1, sai2, fmc, quadspi, analog, adc, adcCommon, adc3Common, spi, dac, tim6, tim7, sdmmc1 };
}
