import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/index.js';
import { fixtureImage, fixtureNames, manifest } from './fixtures.js';

/** Runs until the firmware's own block counter reaches `blocks`, or fails with the stop reason. */
function runBlocks(board: DaisyBoard, counterSymbol: string, blocks: number, budgetCycles: number) {
  const counter = board.image.symbols.get(counterSymbol);
  if (!counter) throw new Error(`no symbol ${counterSymbol}`);
  const read = () => board.bus.peek(counter.address, 4);
  while (read() < blocks) {
    const outcome = board.run({ maxCycles: 1_000_000 });
    if (outcome.reason !== 'budget') return { outcome, blocks: read() };
    if (board.clock.cycles > budgetCycles) break;
  }
  return { outcome: null, blocks: read() };
}

describe('every audio fixture and bug twin boots to its callback and keeps calling it', () => {
  const names = [...fixtureNames('audio'), ...fixtureNames('fix')];
  it.each(names.map((n) => [n]))('%s', (name) => {
    const m = manifest(name);
    const board = new DaisyBoard(fixtureImage(name), { timing: 'ideal' });
    // 20 blocks of 48 frames at 48 kHz is 20 ms; allow 100 ms of simulated time at 400 MHz for boot and blocks.
    const { outcome, blocks } = runBlocks(board, m.audio!.blocksProcessed, 20, 40e6);
    expect(outcome?.message ?? 'still running').toBe('still running');
    expect(blocks).toBeGreaterThanOrEqual(20);
    expect(board.appType.appType).toBe(m.appType);
    expect(board.rules.events.map((e) => e.rule)).toEqual([]);
    // The boot path touches only registers seedsim models.
    expect(board.rules.unmodelled.map((u) => u.register)).toEqual([]);
    // The clock tree the firmware programmed: 400 MHz, or 480 for the boost variant (manifest).
    expect(board.cpuHz).toBe(m.cpuHz);
  });
});

describe('each bug reproducer names its rule, function and symbol', () => {
  it.each(fixtureNames('bug').map((n) => [n]))('%s', (name) => {
    const m = manifest(name);
    const board = new DaisyBoard(fixtureImage(name), { timing: 'm7' });
    board.run({ maxCycles: 40e6 });
    for (const expected of m.expectedRules) {
      const event = board.rules.events.find((e) => e.rule === expected.rule && e.dataSymbol.split('+')[0] === expected.symbol);
      expect(event, `${expected.rule} on ${expected.symbol}`).toBeDefined();
      const where = [event!.location.split('+')[0], ...event!.callStack.map((f) => f.split(' ')[0])];
      expect(where).toContain(expected.function);
    }
  });
});

describe('run budgets', () => {
  it('stops a firmware that never returns at the cycle budget', () => {
    const board = new DaisyBoard(fixtureImage('audio-o2'), { timing: 'ideal' });
    const outcome = board.run({ maxCycles: 5_000_000 });
    expect(outcome.reason).toBe('budget');
    expect(outcome.cycles).toBeGreaterThanOrEqual(5_000_000);
    // One instruction may overshoot by its own cycles, a WFI by the event it sleeps to (at most one SysTick period).
    expect(outcome.cycles).toBeLessThan(5_000_000 + 400_000);
  });
  it('stops at the instruction budget', () => {
    const board = new DaisyBoard(fixtureImage('audio-o2'), { timing: 'ideal' });
    expect(board.run({ maxInstructions: 10_000 }).instructions).toBe(10_000);
  });
});

describe('USB serial (OTG2_FS with a simulated PC)', () => {
  it('leaves the PC detached and prints nothing for firmware that never connects the USB device', () => {
    const board = new DaisyBoard(fixtureImage('audio-o2'), { timing: 'ideal' });
    board.run({ maxCycles: 20_000_000 });
    expect(board.usbHost?.state).toBe('detached');
    expect(board.usbSerialOutput).toBe('');
  });
  it('has no PC on the port with noUsbHost', () => {
    expect(new DaisyBoard(fixtureImage('audio-o2'), { noUsbHost: true }).usbHost).toBeNull();
  });
});

describe('boot modes', () => {
  it('BOOT_SRAM starts at the vector table in AXI SRAM with the boot record the v6 bootloader writes', () => {
    const board = new DaisyBoard(fixtureImage('audio-boot-sram'));
    // libdaisy-facts §6: boot_info = {status 0 after the jump, data = app base 0x24000000, version 3}.
    expect(board.bus.peek(0x38800004, 4)).toBe(0x24000000);
    expect(board.bus.peek(0x38800008, 4)).toBe(3);
    expect(board.exceptions.vtor).toBe(0x24000000);
    expect(board.state.r[15]).toBe(board.image.symbols.get('Reset_Handler')!.address);
  });
  it('BOOT_QSPI executes in place from 0x90040000 with QUADSPI left memory-mapped', () => {
    const board = new DaisyBoard(fixtureImage('audio-qspi'));
    expect(board.exceptions.vtor).toBe(0x90040000);
    expect(board.state.r[15] >>> 0).toBeGreaterThanOrEqual(0x90040000);
    // The first word of the image is the initial MSP (top of DTCM, 0x20020000) read through the QSPI window.
    expect(board.bus.read32(0x90040000)).toBe(0x20020000);
  });
});
