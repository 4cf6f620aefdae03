import { describe, expect, it } from 'vitest';
import { Clock, type SocContext } from '@seedsim/core';
import { ClockTree, USART, Usart, type ClockFrequencies } from '@seedsim/soc';
import { timedBytes } from '../src/serial-input.js';
import { SimulatedSeconds } from '../src/simulated-seconds.js';

describe('timedBytes (BoardOptions.midiInput)', () => {
  it('delivers each event at its simulated second, following a CPU clock change, and USART1 receives it one frame later', () => {
    const clock = new Clock();
    const context: SocContext = { clock, unmodelled: () => {}, setIrq: () => {}, rule: () => {} };
    // The CPU runs at 64 MHz (HSI at reset) until cycle 6.4e6 (0.1 s), then at 400 MHz.
    const tree = new ClockTree({ cpu: 64e6 } as ClockFrequencies);
    // USART1 at 31 250 baud from a 100 MHz kernel clock (BRR 3200): one 10-bit frame is 320 µs.
    const usart = new Usart(context, 'USART1', { kernelHz: () => 100e6, cpuHz: () => tree.clocks.cpu });
    usart.writeWord(USART.BRR, 3200);
    usart.writeWord(USART.CR1, 0b101); // UE | RE
    timedBytes(usart, clock, new SimulatedSeconds(clock, tree), [
      { seconds: 0.05, bytes: [0x90] },
      { seconds: 0.3, bytes: [0x3c] },
    ]);
    const runTo = (cycles: number) => {
      clock.cycles = cycles;
      if (clock.nextEventAt <= cycles) clock.runDue();
    };
    // 0.05 s at 64 MHz = cycle 3.2e6; the frame ends 320 µs later = 20 480 cycles at 64 MHz.
    runTo(3_200_000 + 20_480 - 1);
    expect(usart.readWord(USART.ISR) & (1 << 5)).toBe(0);
    runTo(3_200_000 + 20_480);
    expect(usart.readWord(USART.RDR)).toBe(0x90);
    runTo(6_400_000);
    tree.update({ cpu: 400e6 } as ClockFrequencies);
    // 0.3 s = 0.1 s at 64 MHz + 0.2 s at 400 MHz = cycle 6.4e6 + 80e6; plus 320 µs = 128 000 cycles.
    const due = 6_400_000 + 80_000_000 + 128_000;
    runTo(due - 1);
    expect(usart.readWord(USART.ISR) & (1 << 5)).toBe(0);
    runTo(due);
    expect(usart.readWord(USART.RDR)).toBe(0x3c);
    expect(usart.lostWhileDisabled).toBe(0);
  });
});
