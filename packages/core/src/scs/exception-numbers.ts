/** Exception numbers and NVIC dimensions of the STM32H750's Cortex-M7 (ARMv7-M ARM DDI 0403E B1.5.2). */

/** Exception numbers (B1.5.2). IRQn is exception 16 + n. */
export const enum Exc {
  Reset = 1,
  Nmi = 2,
  HardFault = 3,
  MemManage = 4,
  BusFault = 5,
  UsageFault = 6,
  SVCall = 11,
  DebugMonitor = 12,
  PendSV = 14,
  SysTick = 15,
  FirstIrq = 16,
}

/** STM32H750: 150 interrupt lines (the startup vector table has 16 + 150 entries, libdaisy-facts.md §1). */
export const STM32H750_IRQ_COUNT = 150;
/** Implemented priority bits: __NVIC_PRIO_BITS = 4 on STM32H7 (PM0253 NVIC_IPR; CMSIS stm32h750xx.h). */
export const NVIC_PRIORITY_BITS = 4;
/** The implemented bits of an 8-bit priority field: 0xF0. */
export const NVIC_PRIORITY_MASK = (0xff << (8 - NVIC_PRIORITY_BITS)) & 0xff;

const SYSTEM_NAMES: Record<number, string> = {
  1: 'Reset',
  2: 'NMI',
  3: 'HardFault',
  4: 'MemManage',
  5: 'BusFault',
  6: 'UsageFault',
  11: 'SVCall',
  12: 'DebugMonitor',
  14: 'PendSV',
  15: 'SysTick',
};

/** A readable name for exception number `n`: 'HardFault', 'IRQ12' … */
export function exceptionName(n: number): string {
  return n >= 16 ? `IRQ${n - 16}` : (SYSTEM_NAMES[n] ?? `exception ${n}`);
}
