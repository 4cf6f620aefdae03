import { readFileSync, statSync } from 'node:fs';
import { loadElf, ElfError, type ElfImage } from '@seedsim/elf';
import { CliError } from './exit-codes.js';

/** Reads a file with an error that names it and says why it could not be read. */
export function readInput(path: string, what = 'file'): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new CliError(`${path}: is a directory, expected a ${what}`);
    size = st.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  if (size > 512 * 1024 * 1024) throw new CliError(`${path}: ${size} bytes is too large for a ${what}`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new CliError(`${path}: cannot read: ${(error as Error).message}`);
  }
}

/** Loads and validates a firmware ELF; any problem becomes a one-line usage error (exit 2). */
export function readElf(path: string): ElfImage {
  const bytes = readInput(path, 'firmware ELF');
  try {
    return loadElf(bytes, path);
  } catch (error) {
    if (error instanceof ElfError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
