import { describe, expect, it } from 'vitest';
import { RCC_BASE, SDMMC, SDMMC_STA, SdCard, SystemBus, attachStorageAndAudioPeripherals, attachSystemPeripherals } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

const SDMMC1 = 0x5200_7000;

describe('SDMMC1 on the SoC bus', () => {
  it('answers at 0x5200_7000 with an empty slot: CMD8 times out on IRQ 49 and nothing is reported as unmodelled', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const system = attachSystemPeripherals(bus, ctx);
    const storage = attachStorageAndAudioPeripherals(bus, ctx, system.rcc);
    programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
    expect(storage.sdmmc1.inserted).toBeNull();
    bus.write32(SDMMC1 + SDMMC.CLKCR, 250);
    bus.write32(SDMMC1 + SDMMC.POWER, 3);
    bus.write32(SDMMC1 + SDMMC.MASKR, SDMMC_STA.CTIMEOUT);
    bus.write32(SDMMC1 + SDMMC.ARGR, 0x1aa);
    bus.write32(SDMMC1 + SDMMC.CMDR, 8 | (1 << 8) | (1 << 12));
    ctx.advanceTo(ctx.clock.nextEventAt);
    expect(bus.read32(SDMMC1 + SDMMC.STAR) & SDMMC_STA.CTIMEOUT).toBe(SDMMC_STA.CTIMEOUT);
    expect(ctx.irqLevels.get(49)).toBe(true);
    expect(ctx.unmodelledCalls.filter((c) => c.device === 'SDMMC1')).toEqual([]);
  });

  it('takes a card: CMD8 is answered once one is inserted', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const system = attachSystemPeripherals(bus, ctx);
    const storage = attachStorageAndAudioPeripherals(bus, ctx, system.rcc);
    programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
    storage.sdmmc1.insert(new SdCard(new Uint8Array(512 * 1024)));
    bus.write32(SDMMC1 + SDMMC.CLKCR, 250);
    bus.write32(SDMMC1 + SDMMC.POWER, 3);
    bus.write32(SDMMC1 + SDMMC.ARGR, 0x1aa);
    bus.write32(SDMMC1 + SDMMC.CMDR, 8 | (1 << 8) | (1 << 12));
    ctx.advanceTo(ctx.clock.nextEventAt);
    expect(bus.read32(SDMMC1 + SDMMC.STAR) & SDMMC_STA.CMDREND).toBe(SDMMC_STA.CMDREND);
    expect(bus.read32(SDMMC1 + SDMMC.RESP1)).toBe(0x1aa);
  });
});
