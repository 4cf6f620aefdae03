/**
 * What the firmware drives out (DaisyBoard.outputs): a gate on PC7 toggled by a timed loop and a CV on DAC
 * channel 1. The firmware stays on the 64 MHz HSI of reset and runs with --timing ideal (one cycle per
 * instruction), so the gate's times follow from its instruction counts: high for the 1 + 2 × 1000 cycles
 * from the set to the reset store, low for the 1 + 2 × 3000 + 1 cycles back to the next set.
 */
import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/index.js';
import { RESET_ONLY, linkImage } from './asm-image.js';

const HSI_HZ = 64e6;
const HIGH_CYCLES = 1 + 2 * 1000 + 1; // mov, the delay loop, the reset store
const LOW_CYCLES = 1 + 2 * 3000 + 1 + 1; // mov, the delay loop, the branch back, the set store

// GPIOC and DAC1 clocks on (RCC_AHB4ENR.GPIOCEN, RCC_APB1LENR.DAC12EN); DAC channel 1 on (DAC_CR.EN1, no
// trigger: DOR follows each DHR write) and set to 1000, 3000, 2048; PC7 an output; then the gate for ever.
const GATE_AND_CV = `
${RESET_ONLY}  ldr r0, =0x580244E0
  ldr r1, [r0]
  orr r1, r1, #4
  str r1, [r0]
  ldr r0, =0x580244E8
  ldr r1, [r0]
  orr r1, r1, #(1 << 29)
  str r1, [r0]
  ldr r0, =0x40007400
  movs r1, #1
  str r1, [r0]
  movw r1, #1000
  str r1, [r0, #8]
  movw r1, #3000
  str r1, [r0, #8]
  movw r1, #2048
  str r1, [r0, #8]
  ldr r4, =0x58020800
  ldr r1, [r4]
  bic r1, r1, #(3 << 14)
  orr r1, r1, #(1 << 14)
  str r1, [r4]
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
    expect(board.outputs.summary()).toEqual({ gpio: [], dac: [] });
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
});
