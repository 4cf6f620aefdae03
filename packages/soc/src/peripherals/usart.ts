import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

/** Register offsets (RM0433 USART and LPUART chapters: same layout for these registers). */
export const USART = {
  CR1: 0x00,
  CR2: 0x04,
  CR3: 0x08,
  BRR: 0x0c,
  GTPR: 0x10,
  RTOR: 0x14,
  RQR: 0x18,
  ISR: 0x1c,
  ICR: 0x20,
  RDR: 0x24,
  TDR: 0x28,
  PRESC: 0x2c,
} as const;

/** Instances: base, NVIC line (SVD interrupt numbers), SVD register layout. */
export const USART_INSTANCES = {
  USART1: { base: 0x40011000, irq: 37, svd: 'USART1' },
  USART2: { base: 0x40004400, irq: 38, svd: 'USART1' },
  USART3: { base: 0x40004800, irq: 39, svd: 'USART1' },
  UART4: { base: 0x40004c00, irq: 52, svd: 'USART1' },
  UART5: { base: 0x40005000, irq: 53, svd: 'USART1' },
  USART6: { base: 0x40011400, irq: 71, svd: 'USART1' },
  UART7: { base: 0x40007800, irq: 82, svd: 'USART1' },
  UART8: { base: 0x40007c00, irq: 83, svd: 'USART1' },
  LPUART1: { base: 0x58000c00, irq: 142, svd: 'LPUART1' },
} as const;
export type UsartName = keyof typeof USART_INSTANCES;

const CR1_UE = 1 << 0;
const CR1_RE = 1 << 2;
const CR1_TE = 1 << 3;
const CR1_TCIE = 1 << 6;
const CR1_TXEIE = 1 << 7;
const ISR_TC = 1 << 6;
const ISR_TXE = 1 << 7;
const ISR_TEACK = 1 << 21;
const ISR_REACK = 1 << 22;

/**
 * USART/UART/LPUART transmit capture (RM0433 USART chapter): bytes written to TDR while UE and TE are set are
 * sent instantly into a text stream with listeners; ISR.TXE (TXFNF) and TC always read 1, TEACK/REACK
 * follow TE/RE. The receiver is always empty (RXNE 0). Baud rate and FIFOs are stored, not simulated.
 */
export class Usart extends RegisterBlock {
  private readonly irq: number;
  private readonly bytes: number[] = [];
  private readonly listeners: ((byte: number) => void)[] = [];

  constructor(context: SocContext, name: UsartName) {
    const spec = USART_INSTANCES[name];
    super(name, spec.base, 0x400, context, spec.svd);
    this.irq = spec.irq;
    this.stored(USART.CR2, USART.CR3, USART.BRR, USART.GTPR, USART.RTOR, USART.PRESC);
    // ISR follows CR1 (TXE and TC always set). Not RDR: a receive register (it reads 0 here, but a
    // model with reception would pop it).
    this.eventStable(USART.CR1, USART.CR2, USART.CR3, USART.BRR, USART.GTPR, USART.RTOR, USART.RQR, USART.ISR, USART.ICR, USART.TDR, USART.PRESC);
  }

  protected override onReset(): void {
    this.context.setIrq(this.irq, false);
  }

  /** Everything transmitted so far, one character per byte (Latin-1). */
  get output(): string {
    return String.fromCharCode(...this.bytes);
  }

  /** The transmitted bytes. */
  get transmitted(): readonly number[] {
    return this.bytes;
  }

  onTransmit(listener: (byte: number) => void): void {
    this.listeners.push(listener);
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case USART.CR1:
        return this.regs[USART.CR1 >>> 2];
      case USART.ISR: {
        const cr1 = this.regs[USART.CR1 >>> 2];
        let isr = ISR_TC | ISR_TXE;
        if (cr1 & CR1_UE && cr1 & CR1_TE) isr |= ISR_TEACK;
        if (cr1 & CR1_UE && cr1 & CR1_RE) isr |= ISR_REACK;
        return isr;
      }
      case USART.RDR:
      case USART.ICR:
      case USART.RQR:
      case USART.TDR:
        return 0;
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case USART.CR1:
        this.regs[USART.CR1 >>> 2] = value;
        // TXE and TC are always set, so an enabled TXE/TC interrupt is always pending.
        this.context.setIrq(this.irq, (value & CR1_UE) !== 0 && (value & (CR1_TXEIE | CR1_TCIE)) !== 0);
        return true;
      case USART.TDR: {
        const cr1 = this.regs[USART.CR1 >>> 2];
        if (cr1 & CR1_UE && cr1 & CR1_TE) {
          const byte = value & 0xff;
          this.bytes.push(byte);
          for (const l of this.listeners) l(byte);
        }
        return true;
      }
      case USART.ISR:
      case USART.RDR:
      case USART.ICR:
      case USART.RQR:
        return true;
      default:
        return false;
    }
  }
}
