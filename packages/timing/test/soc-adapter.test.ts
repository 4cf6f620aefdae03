/**
 * The adapters the board uses: the core's real MPU as the L1 attribute source (programmed as libDaisy's
 * ConfigureMpu does, libdaisy-facts.md "ConfigureMpu (trace)"), and the SoC's timing views as a bus config.
 */
import { Mpu } from '@seedsim/core';
import { describe, expect, it } from 'vitest';
import { ATTR_DEVICE, ATTR_WB_NO_WA, ATTR_WBWA, ATTR_WT, L1Attr, M7Model, Region, attachMpu, busTimingFromSoc, daisyBusConfig } from '../src/index.js';

function daisyMpu(): Mpu {
  const mpu = new Mpu();
  mpu.reset();
  const region = (n: number, rbar: number, rasr: number) => {
    mpu.writeRegister(0x08, n); // RNR
    mpu.writeRegister(0x0c, rbar); // RBAR
    mpu.writeRegister(0x10, rasr); // RASR
  };
  region(0, 0x3000_0000, 0x030c001d); // 32 KB D2 SRAM1: TEX=1 C=0 B=0 S=1, non-cacheable
  region(1, 0xc000_0000, 0x03030033); // 64 MB SDRAM: TEX=0 C=1 B=1, write-back no write-allocate
  region(2, 0x3880_0000, 0x030c0017); // 4 KB backup SRAM: non-cacheable
  return mpu;
}

describe('attachMpu', () => {
  it('reads attributes through the MPU, and follows MPU_CTRL changes', () => {
    const mpu = daisyMpu();
    const model = new M7Model();
    const source = attachMpu(model.memory, mpu);
    // MPU still off: default map, SDRAM is Device.
    expect(source.attributes(0xc000_0000, false) & L1Attr.Device).toBeTruthy();
    model.memory.attributes(0xc000_0000); // prime the memo
    mpu.writeRegister(0x04, 5); // ENABLE | PRIVDEFENA
    expect(model.memory.attributes(0xc000_0000)).toBe(ATTR_WB_NO_WA);
    expect(model.memory.attributes(0x3000_0100)).toBe(L1Attr.Shareable); // normal, non-cacheable, shareable
    expect(model.memory.attributes(0x3000_8000)).toBe(ATTR_WBWA); // past region 0: background map
    expect(model.memory.attributes(0x0800_0000)).toBe(ATTR_WT);
    expect(model.memory.attributes(0x4000_0000) & ATTR_DEVICE).toBeTruthy();
  });

  it('with libDaisy\'s MPU, SDRAM reads are cached and SDRAM write misses bypass the cache', () => {
    const mpu = daisyMpu();
    mpu.writeRegister(0x04, 5);
    const model = new M7Model();
    attachMpu(model.memory, mpu);
    model.memory.setEnabled(true, true);
    model.memory.store(0xc000_0000, 4, 0); // miss, no write-allocate
    model.memory.load(0xc000_0000, 4, 1000); // miss, allocates
    model.memory.load(0xc000_0004, 4, 2000); // hit
    expect(model.accounts.dcacheMisses[Region.Sdram]).toBe(2);
    expect(model.accounts.dcacheHits[Region.Sdram]).toBe(1);
  });
});

describe('busTimingFromSoc', () => {
  it('maps the SoC views onto the bus configuration (Daisy values, hw-facts §5)', () => {
    const d = daisyBusConfig(false);
    const cfg = busTimingFromSoc(
      { cpu: 400e6, hclk: 200e6, pclk1: 100e6 },
      2,
      { usable: true, sdclkHz: 100e6, casLatency: 3, trcd: 10, trp: 16, readBurst: true, readPipe: 0, columnBits: 9, rowBits: 13, internalBanks: 4, busWidthBits: 32, refreshCount: 0x81a - 20 },
      {
        mapped: true, qspiHz: 100e6, instructionLines: 1, sendInstructionOnce: true, addressLines: 4, addressBytes: 3, alternateLines: 4,
        alternateBytes: 1, dummyCycles: 6, dataLines: 4, ddr: false, chipSelectHighCycles: 2, timeoutCounterEnabled: false, timeoutCycles: 0,
      },
    );
    expect(cfg).toEqual(d);
  });

  it('an unusable SDRAM or unmapped QSPI gives null (priced as plain AXI until configured)', () => {
    const cfg = busTimingFromSoc({ cpu: 64e6, hclk: 64e6, pclk1: 64e6 }, 7, null, null);
    expect(cfg.sdram).toBeNull();
    expect(cfg.qspi).toBeNull();
  });
});
