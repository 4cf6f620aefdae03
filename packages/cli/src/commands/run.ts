import { writeFileSync } from 'node:fs';
import { DaisyBoard, WavRecorder, encodeWav24, formatRuleEvent, type OutputSummary, type RunOutcome } from '@seedsim/daisy';
import { RULE_EXPLANATIONS } from '@seedsim/soc';
import { readElf } from '../files.js';
import { parseCommandArgs } from '../options.js';
import { BOARD_OPTION_HELP, BOARD_OPTION_SPEC, boardOptions, checkBoardOptionsFor } from '../board-options.js';
import { CliError, EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { savingCard, sdCardOutput } from '../sd-card-output.js';
import { inputWarnings } from '../midi-input.js';

export const RUN_HELP = `Usage: seedsim run [options] app.elf

Boots the firmware on the emulated Daisy Seed and runs it. Placement rules (SDRAM before its init,
QSPI before memory-mapped mode, DMA to TCM, DMA and cache coherency, audio deadlines, blocking calls in
interrupts, peripherals without a clock …) are printed as they fire, with the function, the data symbol
and the call stack. A fault stops the run with the decoded fault status, the stacked registers and the
call stack.

Options:
  --seconds S        simulated time to run (default 1)
  --cycles N         or a budget in CPU cycles
  --instructions N   or a budget in instructions
  --strict           stop at the first rule that fires
${BOARD_OPTION_HELP}
  --output FILE.wav  write what the firmware sent to the codec, from the first frame the SAI sent (audio
                     starts after boot, while --midi, --usb-midi and --gpio times count from power-on:
                     'seedsim bench' prints the boot time as "boot to first callback")
  --json             write the outcome and the rule events as JSON
  -h, --help         this help

Exit status: 0 the budget ran out (or the firmware slept or spun in place for good) with no rule fired; 1 a rule fired,
or the firmware faulted, locked up, hit a BKPT or reset; 2 bad usage.

Rules:
${Object.entries(RULE_EXPLANATIONS)
  .map(([name, text]) => `  ${name.padEnd(25)} ${text}`)
  .join('\n')}
`;

function positiveNumber(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new CliError(`--${name}: expected a positive number, got "${value}"`);
  return n;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export async function runRun(args: string[], out: (t: string) => void, err: (t: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', args, {
    ...BOARD_OPTION_SPEC,
    seconds: { type: 'string' },
    cycles: { type: 'string' },
    instructions: { type: 'string' },
    strict: { type: 'boolean' },
    output: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    out(RUN_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new CliError(`seedsim run: expected one ELF file, got ${positionals.length}\nTry 'seedsim run --help'.`);
  const seconds = positiveNumber('seconds', values.seconds);
  const cycles = positiveNumber('cycles', values.cycles);
  const instructions = positiveNumber('instructions', values.instructions);
  if ([seconds, cycles, instructions].filter((x) => x !== undefined).length > 1) throw new CliError('give one budget: --seconds, --cycles or --instructions');
  const image = readElf(positionals[0]);
  const options = boardOptions(values);
  checkBoardOptionsFor(image, options);
  const sdOut = sdCardOutput(values, options.sdCard);
  const recorder = values.output ? new WavRecorder() : undefined;
  const json = !!values.json;
  const board = new DaisyBoard(image, {
    ...options,
    sdCard: sdOut?.newCard() ?? options.sdCard,
    audioOutput: recorder,
    strict: !!values.strict,
    onRule: json ? undefined : (e) => out(formatRuleEvent(e) + '\n'),
    onSerial: json ? undefined : (text) => err(text),
    onUsbSerial: json ? undefined : (text) => err(text),
  });

  // From here on the card may hold the firmware's writes: --sd-out saves them however the run ends.
  return savingCard(sdOut, err, () =>
    runBoard(board, image.name, { seconds, cycles, instructions, json, recorder, output: values.output as string | undefined }, out, err),
  );
}

interface RunSettings {
  seconds?: number;
  cycles?: number;
  instructions?: number;
  json: boolean;
  recorder?: WavRecorder;
  output?: string;
}

const MAX_PINS_LISTED = 8;

/** What the firmware drove out, for the text report: GPIO outputs that changed, DAC channels it converted on. */
export function outputLines(outputs: OutputSummary): string[] {
  const lines: string[] = [];
  if (outputs.gpio.length > 0) {
    const pins = outputs.gpio.slice(0, MAX_PINS_LISTED).map((p) => `${p.pin} ${p.changes.toLocaleString('en-US')}× (high ${(p.highFraction * 100).toFixed(0)}%, now ${p.level})`);
    const more = outputs.gpio.length - MAX_PINS_LISTED;
    lines.push(`  GPIO outputs changed: ${pins.join(', ')}${more > 0 ? `, and ${more} more (--json lists all)` : ''}`);
  }
  if (outputs.pwm.length > 0) {
    const pwm = outputs.pwm.map((p) => `${p.pin} ${(p.duty * 100).toFixed(1)}% at ${Number(p.frequencyHz.toPrecision(6)).toLocaleString('en-US')} Hz (${p.timer} CH${p.channel})`);
    lines.push(`  PWM outputs at the end: ${pwm.join(', ')}`);
  }
  for (const d of outputs.dac) {
    const v = (x: number) => x.toFixed(3);
    lines.push(`  DAC channel ${d.channel} (${d.pin}): ${d.conversions.toLocaleString('en-US')} conversions, ${v(d.min)}–${v(d.max)} of VREF+, last ${v(d.last)}`);
  }
  return lines;
}

function runBoard(board: DaisyBoard, name: string, settings: RunSettings, out: (t: string) => void, err: (t: string) => void): number {
  const { seconds, cycles, instructions, json, recorder, output } = settings;
  // Run in slices so that --seconds follows the clock the firmware configures (64 MHz at reset, 400 after PLL).
  let outcome: RunOutcome;
  // Simulated time from the board's own clock of seconds, which follows each CPU clock change where it happens.
  const startSeconds = board.time.now();
  let simulated = 0;
  let total = { cycles: 0, instructions: 0 };
  for (;;) {
    let slice: { maxCycles?: number; maxInstructions?: number };
    if (cycles !== undefined) slice = { maxCycles: cycles - total.cycles };
    else if (instructions !== undefined) slice = { maxInstructions: instructions - total.instructions };
    else slice = { maxCycles: Math.max(1, Math.min(200_000, Math.ceil(((seconds ?? 1) - simulated) * board.cpuHz))) };
    outcome = board.run(slice);
    total = { cycles: total.cycles + outcome.cycles, instructions: total.instructions + outcome.instructions };
    simulated = board.time.now() - startSeconds;
    if (outcome.reason !== 'budget') break;
    if (cycles !== undefined || instructions !== undefined) break;
    if (simulated >= (seconds ?? 1) - 1e-12) break;
  }
  if (outcome.reason === 'budget' && cycles === undefined && instructions === undefined) {
    outcome = { ...outcome, message: `${seconds ?? 1} s of simulated time elapsed` };
  } else if (outcome.reason === 'budget') {
    // Sleep and idle loops are skipped to the next clock event, which may lie past the cycle budget.
    const past = cycles !== undefined && total.cycles > cycles ? ` (asleep at the end: the run stopped at the first event after it, ${total.cycles} cycles)` : '';
    outcome = { ...outcome, message: cycles !== undefined ? `budget of ${cycles} cycles used${past}` : `budget of ${instructions} instructions used` };
  }
  if (recorder && output) writeFileSync(output, encodeWav24(recorder.audio()));
  const symbolNames = board.image.symbols.all.map((s) => s.name);
  for (const line of inputWarnings({ ...board.midiCounts(), gpioNotes: board.gpioInputNotes() }, symbolNames)) err(`${name}: ${line}\n`);

  const events = board.rules.events;
  const bad = events.length > 0 || !['budget', 'sleep-forever', 'spin-forever'].includes(outcome.reason);
  if (json) {
    out(
      JSON.stringify(
        {
          seedsim: 'run',
          file: name,
          appType: board.appType.appType,
          stop: { reason: outcome.reason, message: outcome.message },
          cycles: total.cycles,
          instructions: total.instructions,
          simulatedSeconds: simulated,
          cpuHz: board.cpuHz,
          fault: outcome.fault,
          rules: events,
          unmodelledRegisters: board.rules.unmodelled,
          serial: board.serialOutput,
          usbSerial: board.usbSerialOutput,
          ...board.midiCounts(),
          outputs: board.outputs.summary(),
        },
        null,
        2,
      ) + '\n',
    );
    return bad ? EXIT_FAILED : EXIT_OK;
  }
  const lines = [
    `${name}: ${board.appType.appType}, stopped: ${outcome.message}`,
    `  ${total.cycles.toLocaleString('en-US')} cycles, ${total.instructions.toLocaleString('en-US')} instructions, ${(simulated * 1e3).toFixed(1)} ms simulated, CPU at ${(board.cpuHz / 1e6).toFixed(0)} MHz`,
  ];
  if (outcome.fault) {
    const f = outcome.fault;
    lines.push(`  ${f.exception} at ${f.location} (pc ${hex(f.pc)})`);
    for (const s of f.status) lines.push(`    ${s}`);
    lines.push(`    stacked: ${Object.entries(f.stacked).map(([k, v]) => `${k}=${hex(v)}`).join(' ')}`);
    if (f.callStack.length) lines.push(`    call stack: ${f.callStack.join(' ← ')}`);
  }
  lines.push(...outputLines(board.outputs.summary()));
  lines.push(`  rules fired: ${events.length === 0 ? 'none' : events.map((e) => `${e.rule} (${e.dataSymbol} by ${e.location}${e.count > 1 ? ` ×${e.count}` : ''})`).join(', ')}`);
  if (board.rules.unmodelled.length > 0) {
    lines.push(`  registers seedsim does not model (accessed; reads gave the reset value): ${board.rules.unmodelled.map((u) => u.register).join(', ')}`);
  }
  out(lines.join('\n') + '\n');
  return bad ? EXIT_FAILED : EXIT_OK;
}
