import { MmioDevice, type SocContext } from '@seedsim/core';
import { svdPeripheral, svdRegisterName, svdResetValues } from './svd/svd-lookup.js';

/** One access to a register the model does not implement. */
export interface UnmodelledAccess {
  /** Device name as the model calls it ('RCC', 'GPIOD', 'OTG1_HS_GLOBAL'). */
  readonly device: string;
  readonly offset: number;
  /** SVD name, e.g. "RCC.D3CCIPR", or "RCC+0x1f4" when the SVD names no register there. */
  readonly register: string;
  readonly isWrite: boolean;
  readonly value: number;
}

/**
 * Turns SocContext.unmodelled calls into one report per register with its SVD name (the "fidelity
 * gap" log of STYLE.md). A board wires `context.unmodelled = (d, o, w, v) => reporter.report(d, o, w, v)`.
 */
export class UnmodelledRegisterReporter {
  /** Every register reported so far, in order of first access. */
  readonly reported: UnmodelledAccess[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly onReport: (access: UnmodelledAccess) => void = () => {}) {}

  report(device: string, offset: number, isWrite: boolean, value: number): void {
    const key = `${device}:${offset & ~3}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const access: UnmodelledAccess = { device, offset, register: svdRegisterName(device, offset), isWrite, value: value >>> 0 };
    this.reported.push(access);
    this.onReport(access);
  }
}

/**
 * A peripheral block the SVD knows but the model does not implement: registers read their SVD reset
 * value until written, writes are stored, and every register is reported once through the context.
 */
export class UnmodelledPeripheral extends MmioDevice {
  private readonly words: Uint32Array;
  private readonly reported: Uint8Array;

  constructor(name: string, base: number, size: number, private readonly context: SocContext) {
    super(name, base, size);
    if (!svdPeripheral(name)) throw new Error(`UnmodelledPeripheral: '${name}' is not an SVD peripheral`);
    this.words = new Uint32Array(Math.ceil(size / 4));
    this.reported = new Uint8Array(this.words.length);
    svdResetValues(name, this.words);
  }

  readWord(offset: number): number {
    const i = offset >>> 2;
    const value = this.words[i];
    this.note(i, false, value);
    return value;
  }

  writeWord(offset: number, value: number): void {
    const i = offset >>> 2;
    this.words[i] = value;
    this.note(i, true, value);
  }

  private note(index: number, isWrite: boolean, value: number): void {
    if (this.reported[index]) return;
    this.reported[index] = 1;
    this.context.unmodelled(this.name, index << 2, isWrite, value);
  }
}
