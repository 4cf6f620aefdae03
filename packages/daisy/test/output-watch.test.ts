/**
 * What the firmware drives out (DaisyBoard.outputs): a gate on PC7 toggled by a timed loop and a CV on DAC
 * channel 1. The firmware stays on the 64 MHz HSI of reset and runs with --timing ideal (one cycle per
 * instruction), so the gate's times follow from its instruction counts: high for the 1 + 2 × 1000 cycles
 * from the set to the reset store, low for the 1 + 2 × 3000 + 1 cycles back to the next set.
 */
import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/index.js';
import { RESET_ONLY, linkImage, modifyRegister, storeWords } from './asm-image.js';

const HSI_HZ = 64e6;
const HIGH_CYCLES = 1 + 2 * 1000 + 1; // mov, the delay loop, the reset store
const LOW_CYCLES = 1 + 2 * 3000 + 1 + 1; // mov, the delay loop, the branch back, the set store

// GPIOC and DAC1 clocks on (RCC_AHB4ENR.GPIOCEN, RCC_APB1LENR.DAC12EN); DAC channel 1 on (DAC_CR.EN1, no
// trigger: DOR follows each DHR write) and set to 1000, 3000, 2048; PC7 an output; then the gate for ever.
const GATE_AND_CV = `
${RESET_ONLY}${modifyRegister(0x580244e0, 0, null, '4')}${modifyRegister(0x580244e8, 0, null, '(1 << 29)')}  ldr r0, =0x40007400
${storeWords([0, 1], [8, 1000], [8, 3000], [8, 2048])}${modifyRegister(0x58020800, 0, '(3 << 14)', '(1 << 14)')}  mov r4, r0
  movs r5, #(1 << 7)
  mov r6, #(1 << 23)
gate:
  str r5, [r4, #0x18]
  movw r3, #1000
1: subs r3, #1
  bne 1b
  str r6, [r4, #0x18]
  movw r3, #3000
2: subs r3, #1
  bne 2b
  b gate
  .size Reset_Handler, . - Reset_Handler
`;

describe('DaisyBoard.outputs', () => {
  it("counts a gate's changes and its duty from their simulated times, and a DAC channel's range and last value", () => {
    const board = new DaisyBoard(linkImage(GATE_AND_CV), { timing: 'ideal' });
    expect(board.outputs.summary()).toEqual({ gpio: [], dac: [], pwm: [] });
    const periods = 100;
    board.run({ maxCycles: 100 + periods * (HIGH_CYCLES + LOW_CYCLES) });
    const { gpio, dac } = board.outputs.summary();
    expect(gpio.map((p) => p.pin)).toEqual(['PC7']);
    const gate = gpio[0];
    // 100 periods of two changes each; the run ends inside the 101st period's high or low part.
    expect(gate.changes).toBeGreaterThanOrEqual(2 * periods);
    expect(gate.changes).toBeLessThanOrEqual(2 * periods + 1);
    expect(gate.highFraction).toBeCloseTo(HIGH_CYCLES / (HIGH_CYCLES + LOW_CYCLES), 2);
    expect(gate.firstChangeSeconds).toBeLessThan(100 / HSI_HZ);
    expect(gate.lastChangeSeconds).toBeGreaterThan((periods * (HIGH_CYCLES + LOW_CYCLES) - LOW_CYCLES) / HSI_HZ);
    expect(dac).toEqual([
      // Enabling the channel without a trigger puts DHR (0 after reset) on the output first (RM0433 DAC chapter).
      expect.objectContaining({ channel: 1, pin: 'PA4', conversions: 4, min: 0, max: 3000 / 4095, last: 2048 / 4095 }),
    ]);
  });

  it('names the pin a timer channel drives with PWM: PC7 in AF2 is TIM3 CH2 (64 MHz / 1000, CCR2 / 1000 high)', () => {
    // At reset the timers count at the 64 MHz HSI; PSC 0, ARR 999, CCR2 250, PWM mode 1 on channel 2.
    const PWM_ON_PC7 = `
${RESET_ONLY}${modifyRegister(0x580244e0, 0, null, '4')}${modifyRegister(0x580244e8, 0, null, '2')}${modifyRegister(0x58020800, 0, '(3 << 14)', '(2 << 14)')}${modifyRegister(null, 0x20, '(0xf << 28)', '(2 << 28)')}  ldr r0, =0x40000400
${storeWords([0x2c, 999], [0x18, 0x6800], [0x38, 250], [0x20, 0x10], [0x14, 1], [0, 1])}1: b 1b
  .size Reset_Handler, . - Reset_Handler
`;
    const board = new DaisyBoard(linkImage(PWM_ON_PC7), { timing: 'ideal' });
    board.run({ maxCycles: 10_000 });
    expect(board.outputs.summary().pwm).toEqual([{ pin: 'PC7', timer: 'TIM3', channel: 2, frequencyHz: 64_000, duty: 0.25 }]);
  });
});
