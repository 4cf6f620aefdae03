import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

export const DBGMCU_BASE = 0x5c001000;

/** Register offsets (RM0433 DBGMCU chapter); the block is not in the ST SVD. */
export const DBGMCU = {
  IDCODE: 0x00,
  CR: 0x04,
  APB3FZ1: 0x34,
  APB1LFZ1: 0x3c,
  APB2FZ1: 0x4c,
  APB4FZ1: 0x54,
} as const;

/**
 * DBGMCU: IDCODE = 0x2003_6450, DEV_ID 0x450 (STM32H74x/75x) with REV_ID 0x2003 (silicon revision V),
 * so SystemInit skips the revision-Y AXI workaround (libdaisy-facts §1). CR and freeze registers stored.
 */
export class Dbgmcu extends RegisterBlock {
  constructor(context: SocContext, readonly idcode = 0x20036450) {
    super('DBGMCU', DBGMCU_BASE, 0x400, context);
    this.stored(DBGMCU.CR, DBGMCU.APB3FZ1, DBGMCU.APB1LFZ1, DBGMCU.APB2FZ1, DBGMCU.APB4FZ1);
    this.eventStable(DBGMCU.IDCODE, DBGMCU.CR, DBGMCU.APB3FZ1, DBGMCU.APB1LFZ1, DBGMCU.APB2FZ1, DBGMCU.APB4FZ1);
  }

  protected override readRegister(offset: number): number | undefined {
    return offset === DBGMCU.IDCODE ? this.idcode : undefined;
  }

  protected override writeRegister(offset: number): boolean {
    return offset === DBGMCU.IDCODE; // read-only
  }
}
