import { MmioDevice, type SocContext } from '@seedsim/core';
import { svdResetValues } from '../svd/svd-lookup.js';

/**
 * Base for the register-level peripheral models: a word array holding every register, initialised
 * from the SVD reset values. Subclasses handle the registers with behaviour in `readRegister` /
 * `writeRegister` and declare plain read/write storage registers with `stored(...)`; any other offset
 * is kept as storage too but reported once as unmodelled (SocContext.unmodelled).
 */
export abstract class RegisterBlock extends MmioDevice {
  protected readonly regs: Uint32Array;
  /** Per word: 1 = modelled (behaviour or plain storage), 2 = unmodelled and already reported. */
  private readonly modelled: Uint8Array;
  /** Per word: 1 = reads are event-stable (see eventStableRead). */
  private readonly stableWords: Uint8Array;

  constructor(
    name: string,
    base: number,
    size: number,
    protected readonly context: SocContext,
    svdName: string = name,
  ) {
    super(name, base, size);
    this.regs = new Uint32Array(size >>> 2);
    this.modelled = new Uint8Array(size >>> 2);
    this.stableWords = new Uint8Array(size >>> 2);
    svdResetValues(svdName, this.regs);
  }

  /** Register values as the constructor left them: the reset state, taken at the first access. */
  private resetImage: Uint32Array | null = null;

  /**
   * System reset (RM0433 RCC chapter, "System reset"): registers return to their reset values, then
   * {@link onReset} resets internal state. Subclasses keep what a system reset does not touch.
   */
  reset(): void {
    if (this.resetImage !== null) this.regs.set(this.resetImage);
    this.onReset();
  }

  /** Internal state to clear on a system reset (event handles, transfer state, interrupt lines). */
  protected onReset(): void {}

  /** Marks registers (byte offsets) as modelled plain storage: written value reads back. */
  protected stored(...offsets: number[]): void {
    for (const o of offsets) this.modelled[o >>> 2] = 1;
  }

  /** Marks a contiguous range [from, to] of register offsets as plain storage. */
  protected storedRange(from: number, to: number): void {
    for (let o = from; o <= to; o += 4) this.modelled[o >>> 2] = 1;
  }

  /**
   * Declares reads of these registers (byte offsets) event-stable (MmioDevice.eventStableRead): the
   * value changes only at a clock event or by a write, and reading it has no side effect. Only for
   * modelled registers whose readRegister is a plain function of state changed that way.
   */
  protected eventStable(...offsets: number[]): void {
    for (const o of offsets) this.stableWords[o >>> 2] = 1;
  }

  /** {@link eventStable} for a contiguous range [from, to] of register offsets. */
  protected eventStableRange(from: number, to: number): void {
    for (let o = from; o <= to; o += 4) this.stableWords[o >>> 2] = 1;
  }

  override eventStableRead(offset: number): boolean {
    return this.stableWords[offset >>> 2] === 1;
  }

  /**
   * Behaviour for modelled registers; return undefined to fall back to storage. Must be free of side
   * effects unless the hardware read has one (RM0433 names those "rc_r" or read-to-clear).
   */
  protected readRegister(_offset: number): number | undefined {
    return undefined;
  }

  /** Behaviour for modelled registers; return false to fall back to storing the value. */
  protected writeRegister(_offset: number, _value: number): boolean {
    return false;
  }

  readWord(offset: number): number {
    if (this.resetImage === null) this.resetImage = this.regs.slice();
    const v = this.readRegister(offset);
    if (v !== undefined) return v >>> 0;
    this.noteUnmodelled(offset, false, this.regs[offset >>> 2]);
    return this.regs[offset >>> 2];
  }

  writeWord(offset: number, value: number): void {
    if (this.resetImage === null) this.resetImage = this.regs.slice();
    if (this.writeRegister(offset, value >>> 0)) return;
    this.noteUnmodelled(offset, true, value);
    this.regs[offset >>> 2] = value;
  }

  private noteUnmodelled(offset: number, isWrite: boolean, value: number): void {
    const i = offset >>> 2;
    if (this.modelled[i] !== 0) return;
    this.modelled[i] = 2;
    this.context.unmodelled(this.name, offset, isWrite, value);
  }
}
