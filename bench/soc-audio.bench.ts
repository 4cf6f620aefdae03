/**
 * SoC peripheral cost, no CPU: (1) one simulated second of Daisy audio (SAI1 A TX + B RX, DMA1
 * streams 0/1 circular through the SystemBus, 48 014 frames, HT/TC flags cleared as the ISR would);
 * (2) CPU-side SDRAM word reads through the SystemBus (slow path: FMC window with uninitialised-read
 * tracking); (3) QSPI memory-mapped word reads.
 * Run: node --import tsx bench/soc-audio.bench.ts
 */
import { Bench } from 'tinybench';
import { Clock, type SocContext } from '@seedsim/core';
import { SystemBus, Dmamux, DmaController, busAsDmaPort, Sai, Fmc, Quadspi } from '@seedsim/soc';

const CPU_HZ = 400e6;
const SAI_KERNEL_HZ = ((16e6 / 6) * 295) / 16;

function context(): SocContext & { clock: Clock } {
  return { clock: new Clock(), unmodelled() {}, setIrq() {}, rule() {} };
}

function audioRig() {
  const ctx = context();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const dmamux = new Dmamux(ctx);
  const dma1 = new DmaController('DMA1', 0x4002_0000, ctx, busAsDmaPort(bus), dmamux);
  const sai = new Sai(ctx, { clocks: { kernelHz: () => SAI_KERNEL_HZ, cpuHz: () => CPU_HZ }, dmamux });
  for (const d of [dmamux, dma1, sai]) bus.mapDevice(d);
  const w = (a: number, v: number) => bus.write32(a, v);
  w(0x4001_5804, 0x004002c0);
  w(0x4001_580c, 0x00031f3f);
  w(0x4001_5810, 0xffff0180);
  w(0x4001_5824, 0x004006c3);
  w(0x4001_582c, 0x00031f3f);
  w(0x4001_5830, 0xffff0180);
  w(0x4002_0800, 87);
  w(0x4002_0804, 88);
  // S1 RX, then SAI B; S0 TX, then SAI A (libdaisy-facts §7).
  w(0x4002_002c, 0xc0);
  w(0x4002_0030, 0x4001_5840);
  w(0x4002_0034, 0x3000_2000);
  w(0x4002_0028, 0x0002551f);
  w(0x4001_5824, 0x004306c3);
  w(0x4002_0014, 0xc0);
  w(0x4002_0018, 0x4001_5820);
  w(0x4002_001c, 0x3000_0000);
  w(0x4002_0010, 0x0002555f);
  w(0x4001_5804, 0x004202c0);
  w(0x4001_5804, 0x004302c0);
  return { ctx, bus };
}

function runOneSecond(rig: ReturnType<typeof audioRig>): void {
  const { ctx, bus } = rig;
  const clock = ctx.clock;
  const end = clock.cycles + CPU_HZ;
  while (clock.nextEventAt <= end) {
    clock.cycles = clock.nextEventAt;
    clock.runDue();
    if (bus.read32(0x4002_0000) !== 0) bus.write32(0x4002_0008, 0x0f7d_0f7d); // ISR: clear LISR flags
  }
  clock.cycles = end;
}

async function main(): Promise<void> {
  const rig = audioRig();
  const ctx = context();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const fmc = new Fmc(ctx, { kernelHz: () => 200e6, cpuHz: () => CPU_HZ });
  fmc.presetLibDaisyInitialised();
  bus.mapMemory(0xc000_0000, 64 * 1024 * 1024, fmc.sdramWindow);
  for (let a = 0; a < 0x10000; a += 4) bus.write32(0xc000_0000 + a, a);
  const qspi = new Quadspi(ctx, { kernelHz: () => 200e6, cpuHz: () => CPU_HZ });
  qspi.presetDaisyMemoryMapped();
  bus.mapMemory(0x9000_0000, 0x1000_0000, qspi.window);
  const READS = 1_000_000;
  let sink = 0;

  const bench = new Bench({ time: 2000, warmupTime: 300 });
  bench.add('audio: 1 simulated second (48 014 frames, 2 streams)', () => runOneSecond(rig));
  bench.add(`SDRAM: ${READS} word reads via SystemBus`, () => {
    for (let i = 0; i < READS; i++) sink += bus.read32(0xc000_0000 + ((i << 2) & 0xfffc));
  });
  bench.add(`QSPI window: ${READS} word reads via SystemBus`, () => {
    for (let i = 0; i < READS; i++) sink += bus.read32(0x9000_0000 + ((i << 2) & 0xfffc));
  });
  await bench.run();
  for (const t of bench.tasks) {
    const ms = t.result && 'latency' in t.result ? t.result.latency.mean : NaN;
    const per = t.name.startsWith('audio') ? `${((ms * 1e6) / 48014).toFixed(0)} ns/frame` : `${((ms * 1e6) / READS).toFixed(1)} ns/read`;
    console.log(`${t.name}: ${ms.toFixed(2)} ms (${per})`);
  }
  if (sink === 0.5) console.log(sink);
}

await main();
