import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cpu } from '@seedsim/core';
import { attachSystemPeripherals, SystemBus } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

/**
 * End to end: real Thumb-2 code (assembled with Debian's arm-none-eabi-as) runs on the core against
 * the SystemBus and performs libDaisy's ConfigureClocks polling loops (libdaisy-facts §3, §8), then
 * starts TIM2 as System::Init does and reads CNT twice around a delay loop.
 */
const PROGRAM = `
  ldr r0, =0x58024800      @ PWR
  movs r1, #2
  str r1, [r0, #0x0c]      @ CR3 = LDOEN (HAL_PWREx_ConfigSupply)
1: ldr r1, [r0, #0x04]
  tst r1, #(1 << 13)       @ CSR1.ACTVOSRDY
  beq 1b
  ldr r1, [r0, #0x18]
  orr r1, r1, #(3 << 14)   @ D3CR.VOS = scale 1
  str r1, [r0, #0x18]
2: ldr r1, [r0, #0x18]
  tst r1, #(1 << 13)       @ D3CR.VOSRDY, no timeout in the HAL
  beq 2b
  ldr r0, =0x58024400      @ RCC
  ldr r1, [r0]
  orr r1, r1, #(1 << 16)   @ HSEON
  str r1, [r0]
3: ldr r1, [r0]
  tst r1, #(1 << 17)       @ HSERDY
  beq 3b
  ldr r1, =0x00601042
  str r1, [r0, #0x28]      @ PLLCKSELR
  ldr r1, =0x010402c7
  str r1, [r0, #0x30]      @ PLL1DIVR
  ldr r1, =0x016f0599
  str r1, [r0, #0x2c]      @ PLLCFGR
  ldr r1, [r0]
  orr r1, r1, #(1 << 24)   @ PLL1ON
  str r1, [r0]
4: ldr r1, [r0]
  tst r1, #(1 << 25)       @ PLL1RDY
  beq 4b
  ldr r2, =0x52002000      @ FLASH
  movs r1, #0x22
  str r1, [r2]             @ ACR: LATENCY 2, WRHIGHFREQ 2
  ldr r3, [r2]
  and r3, r3, #0xf
  cmp r3, #2
  bne fail                 @ the HAL's read-back check
  movs r1, #0x48
  str r1, [r0, #0x18]      @ D1CFGR
  mov r1, #0x440
  str r1, [r0, #0x1c]      @ D2CFGR
  movs r1, #0x40
  str r1, [r0, #0x20]      @ D3CFGR
  ldr r1, [r0, #0x10]
  bic r1, r1, #7
  orr r1, r1, #3
  str r1, [r0, #0x10]      @ CFGR.SW = PLL1
5: ldr r1, [r0, #0x10]
  and r1, r1, #0x38
  cmp r1, #0x18            @ CFGR.SWS == PLL1
  bne 5b
  ldr r1, [r0, #0xe8]
  orr r1, r1, #1
  str r1, [r0, #0xe8]      @ APB1LENR.TIM2EN
  ldr r0, =0x40000000      @ TIM2
  movs r1, #0x80
  str r1, [r0]             @ CR1 = ARPE
  mov r1, #-1
  str r1, [r0, #0x2c]      @ ARR
  movs r1, #0
  str r1, [r0, #0x28]      @ PSC
  movs r1, #1
  str r1, [r0, #0x14]      @ EGR = UG
  movs r1, #0x81
  str r1, [r0]             @ CR1 = ARPE | CEN
  ldr r4, [r0, #0x24]      @ CNT
  movs r5, #100
6: subs r5, r5, #1
  bne 6b
  ldr r6, [r0, #0x24]      @ CNT again
  ldr r7, =0x20000000
  str r4, [r7]
  str r6, [r7, #4]
done: b done
fail: b fail
  .ltorg
`;

function assemble(source: string): { code: Uint8Array; symbols: Map<string, number> } {
  const dir = mkdtempSync(join(tmpdir(), 'seedsim-soc-'));
  try {
    writeFileSync(join(dir, 'a.s'), `.syntax unified\n.thumb\n.text\n.global done\n.global fail\n${source}\n`);
    execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m7', '-mthumb', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
    const nm = execFileSync('arm-none-eabi-nm', [join(dir, 'a.o')], { encoding: 'utf8' });
    const symbols = new Map(nm.trim().split('\n').map((l) => l.split(' ')).map(([v, , n]) => [n, parseInt(v, 16)] as [string, number]));
    return { code: new Uint8Array(readFileSync(join(dir, 'a.bin'))), symbols };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('libDaisy clock bring-up running on the core against the SystemBus', () => {
  it('gets through every poll, ends at 400 MHz, and TIM2 counts at half the CPU clock', () => {
    const { code, symbols } = assemble(PROGRAM);
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const soc = attachSystemPeripherals(bus, ctx);
    bus.loadImage(0x08000000, code);
    const cpu = new Cpu({ bus, clock: ctx.clock });
    cpu.state.r[15] = 0x08000000;
    cpu.state.thumb = 1;
    const done = 0x08000000 + symbols.get('done')!;
    for (let i = 0; i < 2000 && cpu.state.r[15] !== done; i++) {
      expect(cpu.state.r[15]).not.toBe(0x08000000 + symbols.get('fail')!);
      cpu.step();
    }
    expect(cpu.state.r[15]).toBe(done);
    expect(soc.rcc.clockTree.clocks.cpu).toBe(400e6);
    expect(soc.flash.waitStates).toBe(2);
    // No cycle model: one cycle per instruction. CR1 = 0x81 is stored at cycle c, the first CNT read
    // runs at c + 1, the second at c + 1 + 1 (movs) + 200 (100 × subs, bne) + 1 = c + 203.
    // TIM2 at 200 MHz against a 400 MHz CPU: CNT = floor(1 / 2) = 0, then floor(203 / 2) = 101.
    expect(bus.read32(0x20000000)).toBe(0);
    expect(bus.read32(0x20000004)).toBe(101);
    expect(ctx.rules).toEqual([]);
    expect(ctx.unmodelledCalls).toEqual([]);
  });
});
