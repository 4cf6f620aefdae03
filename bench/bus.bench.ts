/**
 * SystemBus fast-path throughput: aligned RAM read32 / write32 / fetch16 and byte reads, plus a
 * peripheral register read for contrast. Each task does N accesses; the printed rate is M accesses/s.
 * Run: node --import tsx bench/bus.bench.ts
 */
import { Bench } from 'tinybench';
import { Clock, type SocContext } from '@seedsim/core';
import { attachSystemPeripherals, SystemBus } from '@seedsim/soc';

const context: SocContext = {
  clock: new Clock(),
  unmodelled: () => {},
  setIrq: () => {},
  rule: () => {},
};
const bus = new SystemBus(context);
attachSystemPeripherals(bus, context);

const N = 100_000;
const DTCM = 0x20000000;
const AXI = 0x24000000;
const FLASH = 0x08000000;
let sink = 0;

const tasks: [string, () => void][] = [
  ['read32 DTCM', () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += bus.read32(DTCM + ((i << 2) & 0xfffc));
    sink += s;
  }],
  ['write32 AXI SRAM', () => {
    for (let i = 0; i < N; i++) bus.write32(AXI + ((i << 2) & 0x7fffc), i);
  }],
  ['fetch16 flash', () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += bus.fetch16(FLASH + ((i << 1) & 0x1fffe));
    sink += s;
  }],
  ['read8 AXI SRAM', () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += bus.read8(AXI + (i & 0x7ffff));
    sink += s;
  }],
  ['read32 unaligned AXI SRAM (slow path)', () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += bus.read32(AXI + 1 + ((i << 2) & 0xfff0));
    sink += s;
  }],
  ['read32 TIM2 CNT (peripheral)', () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += bus.read32(0x40000024);
    sink += s;
  }],
];

const bench = new Bench({ time: 300, warmupTime: 100 });
for (const [name, fn] of tasks) bench.add(name, fn);
await bench.run();

for (const task of bench.tasks) {
  const r = task.result;
  const meanMs = r && 'latency' in r ? r.latency.mean : NaN;
  console.log(`${task.name.padEnd(40)} ${((N / meanMs) / 1e3).toFixed(1).padStart(8)} M accesses/s`);
}
if (sink === 0.5) console.log(sink);
