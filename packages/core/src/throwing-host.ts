import { FAULT_KIND_NAMES, FaultKind, type ExceptionHost } from './exception-host.js';
import type { CpuState } from './state.js';

const FAULT_NAMES = FAULT_KIND_NAMES;

/** Thrown by {@link ThrowingExceptionHost}: the program did something only an exception model can handle. */
export class CpuHalt extends Error {
  constructor(
    readonly reason: 'fault' | 'svc' | 'bkpt' | 'exception-return',
    readonly pc: number,
    readonly detail: number,
    readonly faultKind?: FaultKind,
  ) {
    super(CpuHalt.describe(reason, pc, detail, faultKind));
    this.name = 'CpuHalt';
  }

  private static describe(reason: string, pc: number, detail: number, kind?: FaultKind): string {
    const at = `at pc=0x${(pc >>> 0).toString(16).padStart(8, '0')}`;
    const hex = `0x${(detail >>> 0).toString(16)}`;
    switch (reason) {
      case 'fault':
        return `${FAULT_NAMES[kind ?? FaultKind.Undefined] ?? 'fault'} ${at}${detail !== -1 ? ` (address ${hex})` : ''}`;
      case 'svc':
        return `SVC #${detail} ${at} (no exception model attached)`;
      case 'bkpt':
        return `BKPT #${detail} ${at}`;
      default:
        return `exception return to ${hex} ${at} (no exception model attached)`;
    }
  }
}

/**
 * The ExceptionHost used when a Cpu is built without one (unit tests, the Unicorn oracle): any fault,
 * SVC, BKPT or exception return throws a {@link CpuHalt}, so a test fails loudly. Hints do nothing.
 */
export class ThrowingExceptionHost implements ExceptionHost {
  readonly attention = false;

  constructor(private readonly state?: CpuState) {}

  fault(kind: FaultKind, address?: number): void {
    throw new CpuHalt('fault', this.pc(), address ?? -1, kind);
  }
  svc(imm: number): void {
    throw new CpuHalt('svc', this.pc() - 2, imm);
  }
  bkpt(imm: number): void {
    throw new CpuHalt('bkpt', this.pc(), imm);
  }
  exceptionReturn(excReturn: number): void {
    throw new CpuHalt('exception-return', this.pc(), excReturn);
  }
  wfi(): void {}
  spinInPlace(): void {}
  idleUntilNextEvent(): void {}
  readonly transitions = 0;
  wfe(): void {}
  sev(): void {}
  maskChanged(): void {}
  executionPriority(): number {
    // B1.5.4 without an NVIC: only the masks matter. Thread mode with no mask runs at 256 (lower than any).
    const s = this.state;
    if (!s) return 256;
    if (s.faultmask) return -1;
    if (s.primask) return 0;
    return s.basepri !== 0 ? s.basepri : 256;
  }
  beforeFpInstruction(): boolean {
    return true;
  }
  fpNeedsNothing(): boolean {
    return true;
  }
  checkFpAccess(): boolean {
    return true;
  }
  service(): void {}

  private pc(): number {
    return this.state ? this.state.r[15] : 0;
  }
}
