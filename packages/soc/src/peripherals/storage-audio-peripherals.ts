import type { SocContext } from '@seedsim/core';
import type { SystemBus } from '../system-bus.js';
import { DmaController, busAsDmaPort } from './dma.js';
import { Dmamux } from './dmamux.js';
import { Fmc, SDRAM_BANK1_BASE, fmcClocksFrom } from './fmc.js';
import { QSPI_WINDOW_BASE, QSPI_WINDOW_SIZE, Quadspi, quadspiClocksFrom } from './quadspi.js';
import type { Rcc } from './rcc.js';
import { Sai, sai1ClocksFrom } from './sai.js';
import { SDRAM_SIZE } from '../devices/sdram.js';

/** DMAMUX1, DMA1/DMA2, SAI1, FMC with the SDRAM chip and QUADSPI with the IS25LP064A. */
export interface StorageAndAudioPeripherals {
  readonly dmamux: Dmamux;
  readonly dma1: DmaController;
  readonly dma2: DmaController;
  readonly sai1: Sai;
  readonly fmc: Fmc;
  readonly quadspi: Quadspi;
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
  const fmc = new Fmc(context, fmcClocksFrom(rcc));
  const quadspi = new Quadspi(context, quadspiClocksFrom(rcc.clockTree));
  fmc.followClockTree(rcc.clockTree);
  quadspi.followClockTree(rcc.clockTree);
  for (const device of [dmamux, dma1, dma2, sai1, fmc, quadspi]) bus.mapDevice(device);
  bus.mapMemory(SDRAM_BANK1_BASE, SDRAM_SIZE, fmc.sdramWindow);
  bus.mapMemory(QSPI_WINDOW_BASE, QSPI_WINDOW_SIZE, quadspi.window);
  return { dmamux, dma1, dma2, sai1, fmc, quadspi };
}
