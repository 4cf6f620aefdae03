import { CliError, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { runMap } from './commands/map.js';
import { runRun } from './commands/run.js';
import { runBench } from './commands/bench.js';
import { demangleText } from './demangle.js';

const HELP = `Usage: seedsim <command> [options] app.elf …

An STM32H750 / Daisy Seed emulator with a cycle-accounting Cortex-M7 core.

Commands:
  map     memory usage per linker region, as GNU ld prints it, and the largest symbols
  run     boot the firmware and run it; placement rules reported as they fire
  bench   cycles per audio callback, where they went, side by side for several images

Run 'seedsim <command> --help' for a command's options.
Exit status: 0 success, 1 the firmware faulted or a rule fired, 2 bad usage or unreadable input.
`;

type Command = (args: string[], out: (text: string) => void, err: (text: string) => void) => number | Promise<number>;

// Imported statically: a dynamic import would make esbuild wrap the modules it reaches in lazy
// initialisers in the CLI's bundle, and V8 reads variables assigned that way more slowly (bin/bundle.js).
const commands: Record<string, Command> = { map: runMap, run: runRun, bench: runBench };

/** C++ names are demangled in text output; JSON (which starts with '{') keeps the linker's names. */
function demangleUnlessJson(text: string): string {
  return text.startsWith('{') ? text : demangleText(text);
}

/** Entry point: returns the exit status. Output goes through `out` (stdout) and `err` (stderr). */
export async function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(demangleUnlessJson(t)),
  err: (text: string) => void = (t) => process.stderr.write(demangleUnlessJson(t)),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? err : out)(HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version') {
    out('seedsim 0.1.0\n');
    return EXIT_OK;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    err(`seedsim: unknown command '${name}'\nTry 'seedsim --help'.\n`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, out, err);
  } catch (error) {
    if (error instanceof CliError) {
      err(`seedsim ${name}: ${error.message.replace(/^seedsim \w+: /, '')}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
