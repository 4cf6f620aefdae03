import { describe, expect, it } from 'vitest';
import { Cfsr, Exc, HFSR_FORCED } from '../src/exceptions.js';
import { STACK_TOP, programRig } from './exceptions-helpers.js';

// Programs assembled with arm-none-eabi-as, run on the real Cpu with the exception model and the SCS on
// the bus. Expected logs follow from the ARMv7-M rules (B1.5.4 priorities, B1.5.6/B1.5.8 entry, return,
// tail-chaining) applied by hand to each program.

const ISER0 = '0xE000E100';
const ISPR0 = '0xE000E200';
const IPR0 = '0xE000E400';
const ICSR = '0xE000ED04';
const SHPR3 = '0xE000ED20';
const SHCSR = '0xE000ED24';
const CFSR = '0xE000ED28';
const HFSR = '0xE000ED2C';


/** Turns on DWT.CYCCNT (DEMCR.TRCENA, the DWT lock, CTRL.CYCCNTENA); uses r0 and r1. */
const ENABLE_CYCCNT = `  ldr r0, =0xE000EDFC    @ DEMCR.TRCENA
  ldr r1, =0x01000000
  str r1, [r0]
  ldr r0, =0xE0001FB0    @ DWT_LAR: unlock
  ldr r1, =0xC5ACCE55
  str r1, [r0]
  ldr r0, =0xE0001000    @ DWT_CTRL.CYCCNTENA
  movs r1, #1
  str r1, [r0]
`;
describe('interrupts on the real core', () => {
  it('preemption by priority, no preemption at equal priority, tail-chaining, SVC then PendSV', () => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =${ISER0}
  movs r1, #0xf          @ enable IRQ0..IRQ3
  str r1, [r0]
  ldr r0, =${IPR0}
  ldr r1, =0xC0804080    @ IRQ0 0x80, IRQ1 0x40, IRQ2 0x80, IRQ3 0xC0
  str r1, [r0]
  ldr r0, =${SHPR3}
  ldr r1, =0xF0F00000    @ PendSV 0xF0, SysTick 0xF0
  str r1, [r0]
  LOG 1
  ldr r0, =${ISPR0}
  movs r1, #1            @ pend IRQ0: taken after this store
  str r1, [r0]
  LOG 2
  svc #7
  LOG 3
  bkpt #0

.thumb_func
irq0:
  LOG 0x10
  ldr r0, =${ISPR0}
  movs r1, #0xc          @ pend IRQ2 (equal priority) and IRQ3 (lower): neither preempts
  str r1, [r0]
  LOG 0x11
  ldr r0, =${ISPR0}
  movs r1, #2            @ pend IRQ1 (0x40): preempts at once
  str r1, [r0]
  LOG 0x12
  bx lr

.thumb_func
irq1:
  LOG 0x20
  LOGREG lr
  bx lr

.thumb_func
irq2:
  LOG 0x30
  bx lr

.thumb_func
irq3:
  LOG 0x40
  bx lr

.thumb_func
svcall:
  LOG 0x50
  ldr r0, =${ICSR}
  ldr r1, =0x10000000    @ PENDSVSET: lower priority, runs after the SVC handler
  str r1, [r0]
  LOG 0x51
  bx lr

.thumb_func
pendsv:
  LOG 0x60
  bx lr
`);
    const stop = rig.run();
    expect(stop?.kind).toBe('bkpt');
    expect(stop?.reason).toMatch(/BKPT #0 .* in Thread mode/);
    expect(rig.log()).toEqual([
      1,
      0x10,
      0x11,
      0x20,
      0xfffffff1, // IRQ1 preempted a handler: return to Handler mode
      0x12,
      0x30, // IRQ0 returns: tail-chain to IRQ2 (0x80) …
      0x40, // … then IRQ3 (0xC0)
      2,
      0x50,
      0x51,
      0x60, // PendSV tail-chained after SVCall
      3,
    ]);
    expect(rig.model.tailChains).toBe(3);
    expect(rig.state.r[13]).toBe(STACK_TOP);
    expect(rig.model.activeExceptionCount).toBe(0);
  });

  it('SysTick counts on the clock, its handler pends PendSV; WFI sleeps between ticks', () => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =${SHPR3}
  ldr r1, =0xE0F00000    @ SysTick 0xE0, PendSV 0xF0
  str r1, [r0]
  SYSTICK_START 1000
  movs r4, #0
loop:
  wfi
  cmp r4, #3
  bne loop
  bkpt #0

.thumb_func
systick:
  LOG 0x5
  ldr r0, =${ICSR}
  ldr r1, =0x10000000
  str r1, [r0]
  bx lr

.thumb_func
pendsv:
  LOG 0x6
  adds r4, #1
  bx lr
`);
    const stop = rig.run();
    expect(stop?.kind).toBe('bkpt');
    expect(rig.log()).toEqual([5, 6, 5, 6, 5, 6]);
    // Three SysTick periods of 1000 cycles have passed; most of them asleep.
    expect(rig.clock.cycles).toBeGreaterThanOrEqual(3000);
    expect(rig.clock.cycles).toBeLessThan(3200);
    expect(rig.model.sleepCycles).toBeGreaterThan(2500);
  });

  it('a `b .` idle loop skips to the next SysTick interrupt and takes it (while (1) {} with interrupts)', () => {
    // Main spins on a branch to itself; the SysTick handler counts to 3, then moves the spinning
    // context on by rewriting its stacked PC (the frame's word 6, B1.5.6) to \`done\`.
    const rig = programRig(`
.thumb_func
reset:
  SYSTICK_START 1000
  movs r4, #0
spin:
  b spin
done:
  bkpt #0

.thumb_func
systick:
  LOG 0x5
  adds r4, #1
  cmp r4, #3
  bne 1f
  ldr r0, =done
  str r0, [sp, #24]      @ stacked return address
1:
  bx lr
`);
    const stop = rig.run(10_000);
    expect(stop?.kind).toBe('bkpt');
    expect(rig.log()).toEqual([5, 5, 5]);
    // Three periods of 1000 cycles; the loop itself ran only a handful of times (one per tick).
    expect(rig.clock.cycles).toBeGreaterThanOrEqual(3000);
    expect(rig.clock.cycles).toBeLessThan(3200);
    expect(rig.model.spinCycles).toBeGreaterThan(2800);
    expect(rig.cpu.instructions).toBeLessThan(100);
  });

  describe('idle polling loops (HAL_Delay) skip to the next clock event', () => {
    // SysTick every 1000 cycles counts a tick in RAM (as HAL_IncTick does); main waits for 3 ticks.
    const delayProgram = (waitLoop: string) => `
.thumb_func
reset:
  SYSTICK_START 1000
  ldr r5, =0x20001000    @ the tick variable
  movs r4, #0
  str r4, [r5]
  bl get_tick
  mov r6, r0             @ start
${waitLoop}
  bl get_tick
  LOGREG r0
  bkpt #0

.thumb_func
get_tick:
  ldr r3, =0x20001000
  ldr r0, [r3]
  bx lr

.thumb_func
systick:
  ldr r0, =0x20001000
  ldr r1, [r0]
  adds r1, #1
  str r1, [r0]
  bx lr
`;

    /** Runs main's wait for 3 ticks (optionally storing each turn) to its end. */
    const runDelay = (storeEachTurn: boolean) => {
      const rig = programRig(
        delayProgram(`
  ldr r7, =0x20002000
wait:
  ${storeEachTurn ? 'str r0, [r7]' : 'nop'}
  bl get_tick
  subs r0, r0, r6
  cmp r0, #3
  bcc wait`),
      );
      const stop = rig.run(100_000);
      expect(stop?.kind).toBe('bkpt');
      expect(rig.log()).toEqual([3]);
      return rig;
    };

    it('a wait on a RAM tick (call, load, compare, branch back) skips to each tick', () => {
      const rig = runDelay(false);
      // Three ticks of 1000 cycles at one instruction per cycle: ~3000 instructions if every turn ran.
      // A check every 64 turns finds the loop idle after a few hundred cycles of each tick; the rest is skipped.
      expect(rig.clock.cycles).toBeGreaterThanOrEqual(3000);
      expect(rig.clock.cycles).toBeLessThan(3100);
      expect(rig.model.spinCycles).toBeGreaterThan(1000);
      expect(rig.cpu.instructions).toBeLessThan(2000);
    });

    it('a wait whose turn takes two back edges (the H7 HAL FIFO loop layout) skips to each tick too', () => {
      // head → slow (forward) → get_tick → back to cont (back edge 1) → head (back edge 2), as GCC lays
      // out HAL_SPI_Transmit's wait for TXP: each path through the body closes with its own branch back.
      const rig = programRig(
        delayProgram(`
head:
  nop
  b slow
cont:
  cmp r0, #3
  bcc head
  b done
slow:
  bl get_tick
  subs r0, r0, r6
  b cont
done:`),
      );
      const stop = rig.run(100_000);
      expect(stop?.kind).toBe('bkpt');
      expect(rig.log()).toEqual([3]);
      // Every turn run: about 3000 cycles of 9-instruction turns. Skipped: a few turns after each tick.
      expect(rig.clock.cycles).toBeGreaterThanOrEqual(3000);
      expect(rig.clock.cycles).toBeLessThan(3100);
      expect(rig.model.spinCycles).toBeGreaterThan(2000);
      expect(rig.cpu.instructions).toBeLessThan(600);
    });

    it('a loop that stores each turn is not idle: it runs every turn', () => {
      expect(runDelay(true).model.spinCycles).toBe(0);
    });

    it('a loop reading a device (DWT.CYCCNT) is not idle even when nothing else changes', () => {
      const rig = programRig(`
.thumb_func
reset:
  SYSTICK_START 1000
${ENABLE_CYCCNT}  ldr r2, =0xE0001004    @ CYCCNT
  ldr r3, =2500
wait:
  ldr r1, [r2]
  cmp r1, r3
  mov.w r1, #0           @ registers and flags come back the same each turn: only the device read differs
  bcc wait
  bkpt #0

.thumb_func
systick:
  bx lr
`);
      const stop = rig.run(100_000);
      expect(stop?.kind).toBe('bkpt');
      expect(rig.model.spinCycles).toBe(0);
      // Left as soon as CYCCNT passed 2500, not at a later tick.
      expect(rig.clock.cycles).toBeLessThan(2600);
    });

    describe('a loop once found idle is looked at again on its first turns (a short wait entered many times)', () => {
      // Each round: note the tick, WORK straight-line instructions, then wait_until (TURN instructions a
      // turn) for the next tick. SysTick every PERIOD cycles; at one instruction per cycle the wait lasts
      // about PERIOD - WORK cycles = 60 turns, fewer than the 64 back-branches between two regular looks.
      const PERIOD = 1000;
      const ROUNDS = 20;
      const WORK = 200;
      const PAD = 10;
      const TURN = PAD + 3; // nops, ldr, cmp, bcc
      const ISR = 5; // ldr, ldr, adds, str, bx
      const SETUP = 7 + 4; // SYSTICK_START, then ldr, movs, str, movs
      const PER_ROUND = 2 + 1 + WORK + 1 + 3; // ldr, adds; bl; nops; bx lr (wait_until); adds, cmp, bne
      const END = 1 + 6 + 1; // ldr; LOGREG; bkpt
      const rounds = (phase2: string) => `
.thumb_func
reset:
  SYSTICK_START ${PERIOD}
  ldr r5, =0x20001000    @ the tick variable
  movs r4, #0
  str r4, [r5]
  movs r7, #0
round:
  ldr r6, [r5]
  adds r6, #1            @ wait for the next tick
  .rept ${WORK}
  nop
  .endr
  bl wait_until
  adds r7, #1
  cmp r7, #${ROUNDS}
  bne round
${phase2}
  ldr r0, [r5]
  LOGREG r0
  bkpt #0

@ Waits while the word at r5 is below r6 (unsigned): on RAM an idle loop, on CYCCNT a device poll.
.thumb_func
wait_until:
  .rept ${PAD}
  nop
  .endr
  ldr r0, [r5]
  cmp r0, r6
  bcc wait_until
  bx lr

.thumb_func
systick:
  ldr r0, =0x20001000
  ldr r1, [r0]
  adds r1, #1
  str r1, [r0]
  bx lr
`;

      it('each later wait runs three turns: one to arm the look, one to compare and skip, one to leave', () => {
        const rig = programRig(rounds(''));
        const stop = rig.run(100_000);
        expect(stop?.kind).toBe('bkpt');
        // Every round waited for exactly one tick: the work of a round fits in one period.
        expect(rig.log()).toEqual([ROUNDS]);
        // The run ends just after tick ROUNDS; a skip only jumps to a tick, so the time is that of the
        // program: the last tick, its handler, the last turn and the end.
        expect(rig.clock.cycles).toBeGreaterThanOrEqual(ROUNDS * PERIOD);
        expect(rig.clock.cycles).toBeLessThan(ROUNDS * PERIOD + 100);
        // Instructions outside the wait loop are fixed by the program; the rest are whole turns.
        const fixed = SETUP + ROUNDS * PER_ROUND + ROUNDS * ISR + END;
        const turns = (rig.cpu.instructions - fixed) / TURN;
        expect(Number.isInteger(turns)).toBe(true);
        // Round 1 runs its ~60 turns (no look is due: 64 back-branches); round 2's regular look comes at
        // its 64 - 60 - 1 = 3rd turn, the skip at the 4th, and the 5th leaves; rounds 3.. arm at once:
        // 3 turns each. Turn by turn (a look only every 64 back-branches) about 30 turns a round.
        const firstRound = Math.floor((PERIOD - SETUP - PER_ROUND) / TURN);
        expect(turns).toBeGreaterThanOrEqual(firstRound - 2 + 5 + 3 * (ROUNDS - 2));
        expect(turns).toBeLessThanOrEqual(firstRound + 2 + 5 + 3 * (ROUNDS - 2));
        // Skipped: all but three turns (and the work) of each later round's period.
        expect(rig.model.spinCycles).toBeGreaterThan((ROUNDS - 2) * (PERIOD - PER_ROUND - ISR - 3 * TURN - 50));
      });

      it('a remembered loop that polls a device on a later entry runs every turn (no skip)', () => {
        // After the rounds, the same wait_until polls DWT.CYCCNT for 3000 cycles: a device read each
        // turn, so the early look fails and nothing is skipped; it leaves as soon as CYCCNT passes.
        const phase2 = `
${ENABLE_CYCCNT}  ldr r5, =0xE0001004    @ CYCCNT
  ldr r6, [r5]
  add r6, r6, #3000
  bl wait_until
  ldr r0, [r5]
  subs r0, r0, r6
  LOGREG r0              @ how far past the target it left
  ldr r5, =0x20001000`;
        const alone = programRig(rounds(''));
        alone.run(100_000);
        const rig = programRig(rounds(phase2));
        expect(rig.run(100_000)?.kind).toBe('bkpt');
        const [late, ticks] = rig.log();
        // Left within a turn (plus a SysTick handler that may come between) of CYCCNT passing the target.
        expect(late).toBeLessThan(TURN + 3 + ISR + 30);
        // Three ticks came during the poll (3000 cycles), none of them skipped to: the poll skipped nothing.
        expect(ticks).toBeGreaterThanOrEqual(ROUNDS + 3);
        expect(rig.model.spinCycles).toBe(alone.model.spinCycles);
      });
    });
  });

  it('a `b .` with no interrupt that could ever be taken stops the run at once', () => {
    const rig = programRig(`
.thumb_func
reset:
  cpsid i                @ PRIMASK masks the SysTick interrupt for ever
  SYSTICK_START 1000
halt:
  b halt
`);
    const stop = rig.run(1_000_000);
    expect(stop?.kind).toBe('spin-forever');
    expect(rig.cpu.instructions).toBeLessThan(20);
  });

  it('BASEPRI holds back an IRQ until it is lowered (MSR BASEPRI)', () => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =${ISER0}
  movs r1, #2
  str r1, [r0]
  ldr r0, =${IPR0}
  ldr r1, =0x00004000    @ IRQ1 priority 0x40
  str r1, [r0]
  movs r0, #0x40
  msr basepri, r0
  ldr r0, =${ISPR0}
  movs r1, #2
  str r1, [r0]
  LOG 1
  movs r0, #0x50         @ BASEPRI 0x50: priority 0x40 is higher, so IRQ1 is taken now
  msr basepri, r0
  LOG 2
  bkpt #0

.thumb_func
irq1:
  LOG 0x20
  bx lr
`);
    rig.run();
    expect(rig.log()).toEqual([1, 0x20, 2]);
  });

  it('exception return to Thread mode on the process stack', () => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =0x20010000
  msr psp, r0
  movs r0, #2
  msr control, r0        @ SPSEL = 1: Thread mode uses PSP
  isb
  mov r5, sp
  svc #1
  mov r6, sp
  mrs r7, msp
  bkpt #0

.thumb_func
svcall:
  LOGREG lr
  mrs r0, psp
  LOGREG r0
  LOGREG sp
  bx lr
`);
    rig.run();
    expect(rig.log()).toEqual([0xfffffffd, 0x20010000 - 0x20, STACK_TOP]);
    expect(rig.state.r[5]).toBe(0x20010000);
    expect(rig.state.r[6]).toBe(0x20010000);
    expect(rig.state.r[7]).toBe(STACK_TOP);
  });
});

/** The handler writes S0 and S15 (triggering lazy preservation), then logs FPCCR again. */
const FP_HANDLER_BODY = `vmov.f32 s0, #2.0
  vmov.f32 s15, #2.0
  ldr r0, [r3]
  LOGREG r0`;

describe('lazy FP stacking on the real core (B1.5.7)', () => {
  const fpProgram = (handlerUsesFpu: boolean) => `
.thumb_func
reset:
  ldr r0, =0xE000ED88
  ldr r1, =0x00F00000    @ CPACR: CP10/CP11 full access
  str r1, [r0]
  dsb
  isb
  vmov.f32 s0, #1.0
  vmov.f32 s15, #3.0
  ldr r0, =${ISER0}
  movs r1, #1
  str r1, [r0]
  ldr r0, =${ISPR0}
  str r1, [r0]           @ IRQ0 taken after this store, with the FP context active
  vmov r4, s0
  vmov r5, s15
  mrs r6, control
  bkpt #0

.thumb_func
irq0:
  LOGREG lr
  ldr r3, =0xE000EF34
  ldr r0, [r3]           @ FPCCR
  LOGREG r0
  ldr r0, [r3, #4]       @ FPCAR
  LOGREG r0
  ${handlerUsesFpu ? FP_HANDLER_BODY : ''}
  bx lr
`;

  it('an FP context makes the frame extended (EXC_RETURN 0xFFFFFFE9), reserved but not written (LSPACT)', () => {
    const rig = programRig(fpProgram(false));
    expect(rig.run()?.kind).toBe('bkpt');
    const frame = STACK_TOP - 0x68;
    // FPCCR = ASPEN | LSPEN | MMRDY? (MemManage disabled: no) | BFRDY? (no) | HFRDY | THREAD | LSPACT
    expect(rig.log()).toEqual([0xffffffe9, (0xc0000000 | (1 << 4) | (1 << 3) | 1) >>> 0, frame + 0x20]);
    expect(rig.memory.read32(frame + 0x20)).toBe(0); // S0 never written: the handler had no FP
    expect(rig.state.r[4]).toBe(0x3f800000);
    expect(rig.state.r[5]).toBe(0x40400000);
    expect(rig.state.r[6] & 4).toBe(4); // CONTROL.FPCA back on
  });

  it("the handler's first FP instruction saves S0-S15 at FPCAR; return restores them", () => {
    const rig = programRig(fpProgram(true));
    expect(rig.run()?.kind).toBe('bkpt');
    const frame = STACK_TOP - 0x68;
    const log = rig.log();
    expect(log[3] & 1).toBe(0); // LSPACT cleared by the preservation
    expect(rig.memory.read32(frame + 0x20)).toBe(0x3f800000); // S0 = 1.0 saved
    expect(rig.memory.read32(frame + 0x20 + 15 * 4)).toBe(0x40400000); // S15 = 3.0 saved
    expect(rig.state.r[4]).toBe(0x3f800000); // restored, not the handler's 2.0
    expect(rig.state.r[5]).toBe(0x40400000);
  });

  /** Runs `body` with UsageFault enabled (SHCSR); the handler logs CFSR and stops with BKPT #4. */
  const usageFault = (body: string) => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =${SHCSR}
  ldr r1, =0x00040000
  str r1, [r0]
${body}
  bkpt #0
.thumb_func
usagefault:
  ldr r3, =${CFSR}
  ldr r0, [r3]
  LOGREG r0
  bkpt #4
`);
    return { rig, stop: rig.run() };
  };

  it('FP instruction with CPACR denying access: NOCP UsageFault', () => {
    const { rig, stop } = usageFault('  vmov.f32 s0, #1.0');
    expect(rig.log()).toEqual([Cfsr.NOCP]);
    expect(stop?.reason).toMatch(/BKPT #4/);
  });

  // 0xEEB00A50: CP10 data-processing space, unallocated (binutils: <UNDEFINED>). The coprocessor access
  // check comes first: NOCP while CPACR denies the FPU (B3.2.20), UNDEFINSTR once it is enabled.
  for (const [cpacr, expected, name] of [
    [0, Cfsr.NOCP, 'NOCP with the FPU disabled'],
    [0x00f00000, Cfsr.UNDEFINSTR, 'UNDEFINSTR with the FPU enabled'],
  ] as const) {
    it(`an unallocated CP10 encoding: ${name}`, () => {
      const { rig } = usageFault(`
  ldr r0, =0xE000ED88    @ CPACR
  ldr r1, =${cpacr}
  str r1, [r0]
  .inst.w 0xeeb00a50`);
      expect(rig.log()).toEqual([expected]);
    });
  }
});

describe('faults on the real core', () => {
  it('UDF with UsageFault disabled: HardFault with FORCED and UNDEFINSTR; a fault in HardFault locks up', () => {
    const rig = programRig(`
.thumb_func
reset:
  LOG 1
  udf #0
  LOG 2

.thumb_func
hardfault:
  ldr r3, =${HFSR}
  ldr r0, [r3]
  LOGREG r0
  ldr r3, =${CFSR}
  ldr r0, [r3]
  LOGREG r0
  udf #1
`);
    const stop = rig.run();
    expect(rig.log()).toEqual([1, HFSR_FORCED, Cfsr.UNDEFINSTR]);
    expect(stop?.kind).toBe('lockup');
    expect(rig.model.lockedUp).toBe(true);
    expect(rig.model.lockupReason).toMatch(/UNDEFINSTR .*HardFault handler/);
  });

  it('UsageFault enabled: the handler sees DIVBYZERO, clears CFSR and skips the instruction', () => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =${SHCSR}
  ldr r1, =0x00040000    @ USGFAULTENA
  str r1, [r0]
  ldr r0, =0xE000ED14
  ldr r1, [r0]
  orr r1, r1, #0x10      @ CCR.DIV_0_TRP
  str r1, [r0]
  movs r4, #10
  movs r5, #0
  udiv r6, r4, r5
  LOG 2
  bkpt #0

.thumb_func
usagefault:
  ldr r3, =${CFSR}
  ldr r0, [r3]
  LOGREG r0
  str r0, [r3]           @ write one to clear
  ldr r0, [sp, #24]      @ stacked return address: the UDIV
  adds r0, #4            @ skip it (32-bit encoding)
  str r0, [sp, #24]
  ldr r0, [r3]
  LOGREG r0
  bx lr
`);
    rig.run();
    expect(rig.log()).toEqual([Cfsr.DIVBYZERO, 0, 2]);
  });

  it('invalid EXC_RETURN from a handler → UsageFault INVPC with LR = the bad value', () => {
    const rig = programRig(`
.thumb_func
reset:
  ldr r0, =${SHCSR}
  ldr r1, =0x00040000
  str r1, [r0]
  svc #0
  bkpt #2

.thumb_func
svcall:
  ldr r0, =0xFFFFFFF5
  bx r0

.thumb_func
usagefault:
  LOGREG lr
  ldr r3, =${CFSR}
  ldr r0, [r3]
  LOGREG r0
  bkpt #3
`);
    const stop = rig.run();
    expect(rig.log()).toEqual([0xfffffff5, Cfsr.INVPC]);
    expect(stop?.reason).toMatch(/BKPT #3 .* in UsageFault handler/);
    expect(rig.state.ipsr).toBe(Exc.UsageFault);
  });

  it("libDaisy's HardFault handler BKPT: stops under 'stop', locks up under 'hardfault'", () => {
    const source = `
.thumb_func
reset:
  udf #0
.thumb_func
hardfault:
  bkpt #0
`;
    const stopRig = programRig(source);
    const stop = stopRig.run();
    expect(stop?.kind).toBe('bkpt');
    // The report names the fault being handled, where it happened (reset's first instruction, after
    // the 0x50-byte vector table and the 2-byte `unexpected` BKPT) and the status registers.
    expect(stop?.reason).toBe(
      'BKPT #0 at 0x08000054 in HardFault handler; handling UsageFault UNDEFINSTR at 0x08000052; ' +
        'HFSR=0x40000000 CFSR=0x00010000',
    );
    const faultRig = programRig(source, { bkptPolicy: 'hardfault' });
    expect(faultRig.run()?.kind).toBe('lockup');
  });
});
