import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './exit-codes.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments; unknown options and missing values are usage errors (exit 2). */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, args: string[], options: OptionSpec): ParsedArgs {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (error) {
    throw new CliError(`seedsim ${command}: ${(error as Error).message.replace(/\. To specify.*$/s, '')}\nTry 'seedsim ${command} --help'.`);
  }
}

export function parseIntegerOption(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected a whole number ≥ ${min}, got "${value}"`);
  return n;
}
