import type { SocContext } from '@seedsim/core';
import type { I2cTarget } from './i2c-bus.js';
import { RegisterBlock } from './register-block.js';

/** Register offsets (RM0433 I2C chapter). */
export const I2C = {
  CR1: 0x00,
  CR2: 0x04,
  OAR1: 0x08,
  OAR2: 0x0c,
  TIMINGR: 0x10,
  TIMEOUTR: 0x14,
  ISR: 0x18,
  ICR: 0x1c,
  PECR: 0x20,
  RXDR: 0x24,
  TXDR: 0x28,
} as const;

/** I2C1–4: base and event/error NVIC lines (SVD interrupt numbers). */
export const I2C_INSTANCES = {
  I2C1: { base: 0x40005400, ev: 31, er: 32 },
  I2C2: { base: 0x40005800, ev: 33, er: 34 },
  I2C3: { base: 0x40005c00, ev: 72, er: 73 },
  I2C4: { base: 0x58001c00, ev: 95, er: 96 },
} as const;
export type I2cName = keyof typeof I2C_INSTANCES;

const CR1_PE = 1 << 0;
const CR1_TXIE = 1 << 1;
const CR1_RXIE = 1 << 2;
const CR1_NACKIE = 1 << 4;
const CR1_STOPIE = 1 << 5;
const CR1_TCIE = 1 << 6;
const CR2_RD_WRN = 1 << 10;
const CR2_ADD10 = 1 << 11;
const CR2_START = 1 << 13;
const CR2_STOP = 1 << 14;
const CR2_RELOAD = 1 << 24;
const CR2_AUTOEND = 1 << 25;
const ISR_TXE = 1 << 0;
const ISR_TXIS = 1 << 1;
const ISR_RXNE = 1 << 2;
const ISR_NACKF = 1 << 4;
const ISR_STOPF = 1 << 5;
const ISR_TC = 1 << 6;
const ISR_TCR = 1 << 7;
const ISR_BUSY = 1 << 15;
const ISR_DIR = 1 << 16;
/** ICR bits that clear ISR flags (ADDRCF 3, NACKCF 4, STOPCF 5, BERRCF 8, ARLOCF 9, OVRCF 10, PECCF 11, TIMOUTCF 12, ALERTCF 13). */
const ICR_CLEARABLE = 0x3f38;

/**
 * I2C master (RM0433 I2C chapter, master mode) with instantaneous bytes: a START addresses a target on
 * this bus (NACKF, then STOPF with AUTOEND, when nobody answers), each TXDR write is sent at once,
 * TXIS asks for the next byte, and after NBYTES the transfer ends with STOPF (AUTOEND) or TC (software
 * end) or TCR (RELOAD). Master receive fills RXDR. Bus timing (TIMINGR) is stored, not simulated:
 * the HAL only polls flags, so transfers complete before its timeouts. Slave mode is not modelled.
 */
export class I2cController extends RegisterBlock {
  private readonly targets = new Map<number, I2cTarget>();
  private readonly ev: number;
  private readonly er: number;
  private active: I2cTarget | null = null;
  private remaining = 0;
  /** TXDR holds a byte not yet shifted out (ISR.TXE = 0). */
  private txFull = false;
  private reading = false;

  constructor(context: SocContext, name: I2cName) {
    const spec = I2C_INSTANCES[name];
    super(name, spec.base, 0x400, context, 'I2C1');
    this.ev = spec.ev;
    this.er = spec.er;
    this.stored(I2C.OAR1, I2C.OAR2, I2C.TIMINGR, I2C.TIMEOUTR);
    // Bytes move at once on writes: ISR changes only by a write. Not RXDR (reading clears RXNE and
    // fetches the next byte) nor PECR (unmodelled).
    this.eventStable(I2C.CR1, I2C.CR2, I2C.OAR1, I2C.OAR2, I2C.TIMINGR, I2C.TIMEOUTR, I2C.ISR, I2C.ICR, I2C.TXDR);
  }

  /** Puts a device on this bus. */
  attach(target: I2cTarget): void {
    this.targets.set(target.address & 0x7f, target);
  }

  private get isr(): number {
    return this.regs[I2C.ISR >>> 2];
  }

  private set isr(value: number) {
    this.regs[I2C.ISR >>> 2] = value >>> 0;
    this.updateIrq();
  }

  private updateIrq(): void {
    const cr1 = this.regs[I2C.CR1 >>> 2];
    const isr = this.regs[I2C.ISR >>> 2];
    const ev =
      ((isr & ISR_TXIS) !== 0 && (cr1 & CR1_TXIE) !== 0) ||
      ((isr & ISR_RXNE) !== 0 && (cr1 & CR1_RXIE) !== 0) ||
      ((isr & ISR_NACKF) !== 0 && (cr1 & CR1_NACKIE) !== 0) ||
      ((isr & ISR_STOPF) !== 0 && (cr1 & CR1_STOPIE) !== 0) ||
      ((isr & (ISR_TC | ISR_TCR)) !== 0 && (cr1 & CR1_TCIE) !== 0);
    this.context.setIrq(this.ev, ev);
    this.context.setIrq(this.er, false);
  }

  protected override readRegister(offset: number): number | undefined {
    switch (offset) {
      case I2C.CR1:
      case I2C.CR2:
      case I2C.ISR:
      case I2C.TXDR:
        return this.regs[offset >>> 2];
      case I2C.ICR:
        return 0;
      case I2C.RXDR: {
        const value = this.regs[I2C.RXDR >>> 2];
        if (this.isr & ISR_RXNE) {
          this.isr = this.isr & ~ISR_RXNE;
          this.continueRead();
        }
        return value;
      }
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    switch (offset) {
      case I2C.CR1:
        this.regs[I2C.CR1 >>> 2] = value;
        // PE = 0 is a software reset: flags and state machine cleared, TXE set (RM0433 I2C chapter).
        if (!(value & CR1_PE)) this.softwareReset();
        else this.updateIrq();
        return true;
      case I2C.CR2:
        this.writeCr2(value);
        return true;
      case I2C.ISR:
        // Writing TXE = 1 flushes TXDR; TXIS can be set by software only in slave mode (not modelled).
        if (value & ISR_TXE) {
          this.txFull = false;
          this.isr = this.isr | ISR_TXE;
        }
        return true;
      case I2C.ICR:
        this.isr = this.isr & ~(value & ICR_CLEARABLE);
        return true;
      case I2C.TXDR:
        this.writeTxdr(value & 0xff);
        return true;
      case I2C.RXDR:
      case I2C.PECR:
        return true; // read-only
      default:
        return false;
    }
  }

  protected override onReset(): void {
    this.softwareReset();
    this.context.setIrq(this.ev, false);
  }

  private softwareReset(): void {
    this.active?.stop();
    this.active = null;
    this.remaining = 0;
    this.txFull = false;
    this.regs[I2C.CR2 >>> 2] &= ~(CR2_START | CR2_STOP);
    this.isr = ISR_TXE;
  }

  private writeCr2(value: number): void {
    this.regs[I2C.CR2 >>> 2] = value & ~(CR2_START | CR2_STOP);
    if (!(this.regs[I2C.CR1 >>> 2] & CR1_PE)) return;
    if (value & CR2_START) this.start(value);
    else if (value & CR2_STOP && this.active) this.finish();
    else if (this.active && this.isr & ISR_TCR) {
      // Reload: new NBYTES written while TCR is set continues the transfer (RM0433 I2C chapter).
      this.remaining = (value >>> 16) & 0xff;
      this.isr = this.isr & ~ISR_TCR;
      if (this.reading) this.continueRead();
      else this.continueWrite();
    }
  }

  private start(cr2: number): void {
    const address = cr2 & CR2_ADD10 ? -1 : (cr2 >>> 1) & 0x7f;
    this.reading = (cr2 & CR2_RD_WRN) !== 0;
    this.remaining = (cr2 >>> 16) & 0xff;
    const target = this.targets.get(address);
    let isr = (this.isr | ISR_BUSY) & ~(ISR_TC | ISR_TCR | ISR_TXIS);
    isr = this.reading ? isr | ISR_DIR : isr & ~ISR_DIR;
    this.isr = isr;
    if (this.active && this.active !== target) this.active.stop();
    if (!target || !target.start(this.reading)) {
      // Address NACK: NACKF, then a STOP is generated automatically (RM0433 I2C chapter).
      this.active = null;
      this.txFull = false;
      this.isr = ((this.isr | ISR_NACKF | ISR_STOPF | ISR_TXE) & ~ISR_BUSY) >>> 0;
      return;
    }
    this.active = target;
    if (this.reading) this.continueRead();
    else this.continueWrite();
  }

  private writeTxdr(byte: number): void {
    this.regs[I2C.TXDR >>> 2] = byte;
    this.txFull = true;
    this.isr = this.isr & ~(ISR_TXE | ISR_TXIS);
    if (this.active && !this.reading) this.continueWrite();
  }

  /** Shifts out the byte in TXDR if one is waiting, then asks for the next or ends the transfer. */
  private continueWrite(): void {
    const target = this.active;
    if (!target) return;
    if (this.txFull && this.remaining > 0) {
      this.txFull = false;
      this.remaining--;
      if (!target.write(this.regs[I2C.TXDR >>> 2])) {
        this.isr = this.isr | ISR_NACKF | ISR_TXE;
        this.finish();
        return;
      }
      this.isr = this.isr | ISR_TXE;
    }
    if (this.remaining > 0) {
      if (!this.txFull) this.isr = this.isr | ISR_TXIS;
      return;
    }
    this.endOfBytes();
  }

  private continueRead(): void {
    const target = this.active;
    if (!target || this.isr & ISR_RXNE) return;
    if (this.remaining > 0) {
      this.remaining--;
      this.regs[I2C.RXDR >>> 2] = target.read() & 0xff;
      this.isr = this.isr | ISR_RXNE;
      if (this.remaining > 0) return;
    }
    if (this.remaining === 0) this.endOfBytes();
  }

  /** NBYTES done: RELOAD → TCR; AUTOEND → STOP; else TC and wait for software STOP or restart. */
  private endOfBytes(): void {
    const cr2 = this.regs[I2C.CR2 >>> 2];
    if (cr2 & CR2_RELOAD) this.isr = this.isr | ISR_TCR;
    else if (cr2 & CR2_AUTOEND) this.finish();
    else this.isr = this.isr | ISR_TC;
  }

  private finish(): void {
    this.active?.stop();
    this.active = null;
    this.isr = (this.isr | ISR_STOPF) & ~(ISR_BUSY | ISR_TXIS);
  }
}
