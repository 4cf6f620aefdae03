/**
 * CD4021B 8-stage parallel-in / serial-out shift registers, daisy-chained (Q8 of one chip into the serial
 * input of the next), as the Daisy Field reads its 16 keys (libDaisy ShiftRegister4021<2>). While P/S
 * (the latch) is high the parallel inputs load into the stages; while it is low each rising clock edge
 * shifts one stage towards Q8. The line the MCU reads is Q8 of the last chip: after a load it shows that
 * chip's P8, then P7 … P1, then the next chip's P8 … (TI CD4021B data sheet, function table).
 *
 * Inputs are numbered in that read order: input r is what Q8 shows after r rising edges since the load.
 * The serial input of the first chip is tied low, so zeros shift in behind the last input.
 */
export class Cd4021Chain {
  /** The parallel inputs in read order; true = high (a released key with its pull-up). */
  readonly inputs: boolean[];
  private stages: boolean[];
  private latch = false;
  private clock = false;

  constructor(
    chips: number,
    /** Told the new level of the serial output (Q8 of the last chip) whenever it may have changed. */
    private readonly output: (level: boolean) => void,
  ) {
    this.inputs = new Array<boolean>(8 * chips).fill(true);
    this.stages = this.inputs.slice();
    this.output(this.stages[0]);
  }

  /** P/S control: high loads the parallel inputs (and keeps loading while high). */
  setLatch(level: boolean): void {
    this.latch = level;
    if (level) this.load();
  }

  /** The clock line: a rising edge with P/S low shifts the chain by one. */
  setClock(level: boolean): void {
    const rising = level && !this.clock;
    this.clock = level;
    if (rising && !this.latch) {
      this.stages = [...this.stages.slice(1), false];
      this.output(this.stages[0]);
    }
  }

  /** Sets parallel input `index` (read order); while P/S is high it reaches the output at once. */
  setInput(index: number, level: boolean): void {
    this.inputs[index] = level;
    if (this.latch) this.load();
  }

  private load(): void {
    this.stages = this.inputs.slice();
    this.output(this.stages[0]);
  }
}
