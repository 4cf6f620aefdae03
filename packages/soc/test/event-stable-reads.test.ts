/**
 * Event-stable reads (MmioDevice.eventStableRead): SystemBus leaves a read out of Bus.deviceAccesses when
 * the register can change only at a clock event or by a write and reading it has no side effect, so the
 * core may skip a loop that polls it. The expectations below come from each register's behaviour in
 * RM0433 and in the model: status and configuration registers qualify; FIFOs, read-to-clear registers,
 * counters computed from the clock at read time and inputs set from outside the clock never do.
 */
import { describe, expect, it } from 'vitest';
import { attachStorageAndAudioPeripherals, attachSystemPeripherals, SystemBus } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

function soc() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const system = attachSystemPeripherals(bus, ctx);
  const storage = attachStorageAndAudioPeripherals(bus, ctx, system.rcc);
  programLibDaisyClocks((o, v) => bus.write32(0x5802_4400 + o, v), (o) => bus.read32(0x5802_4400 + o));
  /** Whether one read at `addr` counted as a device access. */
  const counted = (addr: number, size: 1 | 2 | 4 = 4) => {
    const before = bus.deviceAccesses;
    if (size === 4) bus.read32(addr);
    else if (size === 2) bus.read16(addr);
    else bus.read8(addr);
    return bus.deviceAccesses - before;
  };
  return { ctx, bus, system, storage, counted };
}

// Base addresses (RM0433 memory map).
const SPI1 = 0x4001_3000;
const I2C1 = 0x4000_5400;
const TIM2 = 0x4000_0000;
const QUADSPI = 0x5200_5000;
const SDMMC1 = 0x5200_7000;
const DMA1 = 0x4002_0000;
const SAI1 = 0x4001_5800;
const ADC1 = 0x4002_2000;
const GPIOA = 0x5802_0000;
const RCC = 0x5802_4400;
const PWR = 0x5802_4800;
const USART1 = 0x4001_1000;
const RNG = 0x4802_1800;
const EXTI = 0x5800_0000;

describe('event-stable device reads are not counted as device accesses', () => {
  const stable: [string, number][] = [
    ['SPI1_SR (FIFO levels and flags change at frame-end events)', SPI1 + 0x14],
    ['SPI1_CR1 (CSTART clears at the end-of-transfer event)', SPI1 + 0x00],
    ['I2C1_ISR (bytes move on writes)', I2C1 + 0x18],
    ['TIM2_SR (UIF set by the overflow event)', TIM2 + 0x10],
    ['QUADSPI_CR', QUADSPI + 0x00],
    ['SDMMC1_STAR with no FIFO-mode transfer', SDMMC1 + 0x34],
    ['DMA1_LISR', DMA1 + 0x00],
    ['DMA1_S0NDTR (moves at DMA requests)', DMA1 + 0x10 + 0x04],
    ['SAI1_ASR', SAI1 + 0x04 + 0x14],
    ['ADC1_ISR (ADRDY, EOC at events)', ADC1 + 0x00],
    ['ADC1_CR (ADCAL clears at the calibration event)', ADC1 + 0x08],
    ['GPIOA_ODR', GPIOA + 0x14],
    ['RCC_CR (ready flags follow the enables)', RCC + 0x00],
    ['PWR_CSR1', PWR + 0x04],
    ['USART1_ISR', USART1 + 0x1c],
    ['RNG_SR', RNG + 0x04],
  ];
  const unstable: [string, number][] = [
    ['SPI1_RXDR (a FIFO pop)', SPI1 + 0x30],
    ['I2C1_RXDR (reading clears RXNE)', I2C1 + 0x24],
    ['TIM2_CNT (computed from the clock when read)', TIM2 + 0x24],
    ['QUADSPI_DR (a FIFO pop)', QUADSPI + 0x20],
    ['SDMMC1_FIFOR (a FIFO pop)', SDMMC1 + 0x80],
    ['SAI1_ADR (a FIFO pop)', SAI1 + 0x04 + 0x1c],
    ['ADC1_DR (reading clears EOC)', ADC1 + 0x40],
    ['GPIOA_IDR (pin levels are set from outside the clock)', GPIOA + 0x10],
    ['EXTI_CPUPR1 (set by GPIO edges)', EXTI + 0x88],
    ['USART1_RDR (a receive register)', USART1 + 0x24],
    ['RNG_DR (each read draws a number)', RNG + 0x08],
  ];

  it.each(stable)('%s is event-stable', (_name, addr) => {
    const s = soc();
    expect(s.counted(addr)).toBe(0);
    expect(s.counted(addr + 1, 1)).toBe(0); // a byte of the same register
  });

  it.each(unstable)('%s counts', (_name, addr) => {
    expect(soc().counted(addr)).toBe(1);
  });

  it('writes always count, also to event-stable registers', () => {
    const s = soc();
    const before = s.bus.deviceAccesses;
    s.bus.write32(SPI1 + 0x10, 0); // SPI1_IER
    s.bus.write32(TIM2 + 0x10, 0); // TIM2_SR
    expect(s.bus.deviceAccesses - before).toBe(2);
  });

  it('reads of the memory-mapped QSPI window do not count (the flash changes only through QUADSPI commands)', () => {
    const s = soc();
    s.storage.quadspi.presetDaisyMemoryMapped();
    expect(s.counted(0x9000_0100)).toBe(0);
    expect(s.counted(0x9005_de1c)).toBe(0); // a literal-pool load of code running from QSPI (HAL_GetTick)
  });

  it('an unmodelled register counts', () => {
    const s = soc();
    expect(s.counted(I2C1 + 0x20)).toBe(1); // I2C1_PECR: not modelled
    expect(s.counted(0x4000_2400)).toBe(1); // LPTIM1: no model (reported unmodelled)
  });

  it('SDMMC1_STAR and DCNTR count while a FIFO-mode transfer runs (its FIFO level is computed from the clock)', () => {
    const s = soc();
    s.bus.write32(SDMMC1 + 0x00, 3); // POWER: on
    s.bus.write32(SDMMC1 + 0x04, 2); // CLKCR: CLKDIV 2
    s.bus.write32(SDMMC1 + 0x28, 512); // DLENR
    expect(s.counted(SDMMC1 + 0x34)).toBe(0);
    s.bus.write32(SDMMC1 + 0x2c, 1 | (9 << 4)); // DCTRL: DTEN, host to card, 512-byte blocks (no IDMA: FIFO mode)
    expect(s.counted(SDMMC1 + 0x34)).toBe(1);
    expect(s.counted(SDMMC1 + 0x35, 1)).toBe(1);
    expect(s.counted(SDMMC1 + 0x30)).toBe(1);
  });
});
