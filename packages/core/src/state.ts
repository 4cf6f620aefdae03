/**
 * The architectural state of an ARMv7E-M core with FPv5-D16 (ARMv7-M ARM DDI 0403E, B1.4).
 * Shared by the instruction executor, the FPU and the exception model; plain fields and typed arrays
 * so the hot path never allocates.
 */
export class CpuState {
  /** r0–r15. r[13] is the *active* stack pointer (MSP or PSP per CONTROL.SPSEL and mode); r[15] is the
   * address of the next instruction to execute between instructions (bit 0 always clear). */
  readonly r = new Uint32Array(16);
  /** The banked stack pointer not currently in r[13] is kept here. */
  msp = 0;
  psp = 0;

  // APSR, one field per flag (0 or 1) for speed.
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  q = 0;
  /** APSR.GE[3:0]. */
  ge = 0;
  /** EPSR.IT[7:0] (ITSTATE), 0 outside an IT block. */
  itState = 0;
  /** EPSR.T; a 0 here means the next instruction takes an INVSTATE UsageFault. */
  thumb = 1;
  /** IPSR: the active exception number, 0 in Thread mode. Handler mode is ipsr !== 0. */
  ipsr = 0;

  primask = 0;
  faultmask = 0;
  basepri = 0;
  /** CONTROL: bit 0 nPRIV, bit 1 SPSEL, bit 2 FPCA. */
  control = 0;

  /** FP registers as raw bits: s[0..31]; d[n] is s[2n] (low word) and s[2n+1] (high word). */
  readonly fpBuffer = new ArrayBuffer(32 * 4);
  readonly s = new Uint32Array(this.fpBuffer);
  /** Views of the same bytes (host is little-endian, as d[n] needs): f32[i] is s[i], f64[n] is d[n]. */
  readonly f32 = new Float32Array(this.fpBuffer);
  readonly f64 = new Float64Array(this.fpBuffer);
  fpscr = 0;

  /** Local exclusive monitor (ARMv7-M ARM A3.4.1): address tagged by LDREX, or -1 when open. */
  exclusiveAddress = -1;

  get handlerMode(): boolean {
    return this.ipsr !== 0;
  }

  /** APSR as the 32-bit value MRS returns: N Z C V Q in bits 31–27, GE in 19–16. */
  get apsr(): number {
    return ((this.n << 31) | (this.z << 30) | (this.c << 29) | (this.v << 28) | (this.q << 27) | (this.ge << 16)) >>> 0;
  }

  set apsr(value: number) {
    this.n = (value >>> 31) & 1;
    this.z = (value >>> 30) & 1;
    this.c = (value >>> 29) & 1;
    this.v = (value >>> 28) & 1;
    this.q = (value >>> 27) & 1;
    this.ge = (value >>> 16) & 0xf;
  }

  /** EPSR as stacked in xPSR: T in bit 24, IT[1:0] in 26:25, IT[7:2] in 15:10. */
  get epsr(): number {
    return ((this.thumb << 24) | ((this.itState & 3) << 25) | ((this.itState >>> 2) << 10)) >>> 0;
  }

  /** The combined xPSR pushed on exception entry (bit 9, stack realignment, is added by the exception model). */
  get xpsr(): number {
    return (this.apsr | this.epsr | this.ipsr) >>> 0;
  }

  set xpsr(value: number) {
    this.apsr = value;
    this.thumb = (value >>> 24) & 1;
    this.itState = ((value >>> 25) & 3) | (((value >>> 10) & 0x3f) << 2);
    this.ipsr = value & 0x1ff;
  }

  /** Moves r[13] to the bank CONTROL.SPSEL and the mode now select (B1.4.1). Call after changing either. */
  selectStack(): void {
    const usePsp = this.ipsr === 0 && (this.control & 2) !== 0;
    if (usePsp) {
      if (this.activeIsPsp) return;
      this.msp = this.r[13];
      this.r[13] = this.psp;
      this.activeIsPsp = true;
    } else {
      if (!this.activeIsPsp) return;
      this.psp = this.r[13];
      this.r[13] = this.msp;
      this.activeIsPsp = false;
    }
  }

  /** Which bank r[13] holds now. */
  activeIsPsp = false;

  /** Reads MSP or PSP whichever bank holds it. */
  getMsp(): number {
    return this.activeIsPsp ? this.msp : this.r[13];
  }
  getPsp(): number {
    return this.activeIsPsp ? this.r[13] : this.psp;
  }
  setMsp(value: number): void {
    if (this.activeIsPsp) this.msp = value >>> 0;
    else this.r[13] = value;
  }
  setPsp(value: number): void {
    if (this.activeIsPsp) this.r[13] = value;
    else this.psp = value >>> 0;
  }
}
