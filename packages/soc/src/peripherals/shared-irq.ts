import type { SocContext } from '@seedsim/core';

/**
 * Several peripherals on one NVIC line (TIM6 and the DAC underrun on TIM6_DAC, RM0433 interrupt vector
 * table): each source gets its own view of the context whose setIrq for `irq` records that source's
 * level; the line is the OR of all of them. Other lines and everything else pass straight through.
 */
export function shareIrqLine(context: SocContext, irq: number, sources: number): SocContext[] {
  const levels = new Uint8Array(sources);
  let line = false;
  return Array.from({ length: sources }, (_, i) => ({
    clock: context.clock,
    unmodelled: (device, offset, isWrite, value) => context.unmodelled(device, offset, isWrite, value),
    rule: (rule, address, isWrite, detail) => context.rule(rule, address, isWrite, detail),
    setIrq: (n: number, level: boolean) => {
      if (n !== irq) {
        context.setIrq(n, level);
        return;
      }
      levels[i] = level ? 1 : 0;
      const next = levels.some((l) => l !== 0);
      if (next === line) return;
      line = next;
      context.setIrq(irq, next);
    },
  }));
}
