import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SdCard } from '@seedsim/soc';
import { CliError } from './exit-codes.js';

/**
 * --sd-out FILE: the card image as the firmware left it, written to FILE when the run ends (whatever
 * stopped it). The cards write straight into `image`, the copy of the --sd file read into memory; the
 * --sd file itself is never written.
 */
export class SdCardOutput {
  private readonly cards: SdCard[] = [];

  constructor(
    readonly path: string,
    readonly image: Uint8Array,
  ) {}

  /** A card over the image for one board (a fresh card, as after power-on); its writes land in the image. */
  newCard(): SdCard {
    const card = new SdCard(this.image);
    this.cards.push(card);
    return card;
  }

  /** Blocks the firmware wrote, from the card model's counter, over every board the card was in. */
  get blocksWritten(): number {
    return this.cards.reduce((sum, card) => sum + card.blocksWritten, 0);
  }

  /** Writes the image to the file and returns the line that says so; a write failure is a CliError. */
  save(): string {
    try {
      writeFileSync(this.path, this.image);
    } catch (error) {
      throw new CliError(`--sd-out ${this.path}: cannot write: ${(error as Error).message}`);
    }
    const n = this.blocksWritten;
    return n === 0 ? `SD card: nothing written; image saved unchanged to ${this.path}` : `SD card: ${n} block${n === 1 ? '' : 's'} written, image saved to ${this.path}`;
  }

  /**
   * Saves at the end of a command and reports on stderr. With `pending` (the run is already failing with
   * that error) a failure to save is reported but does not replace the error in flight.
   */
  finish(err: (text: string) => void, pending?: unknown): void {
    try {
      err(this.save() + '\n');
    } catch (error) {
      if (pending === undefined) throw error;
      err(`seedsim: ${(error as Error).message}\n`);
    }
  }
}

/** Runs `body`, then saves the card (if any) however the body ended: normally or with an error in flight. */
export function savingCard<T>(sdOut: SdCardOutput | undefined, err: (text: string) => void, body: () => T): T {
  let result: T;
  try {
    result = body();
  } catch (error) {
    sdOut?.finish(err, error);
    throw error;
  }
  sdOut?.finish(err);
  return result;
}

/**
 * Checks --sd-out before anything runs: it needs --sd, must not name the --sd file (the input is never
 * modified in place) and must be a file in an existing directory. Returns undefined without --sd-out.
 */
export function sdCardOutput(values: Record<string, unknown>, image: Uint8Array | undefined): SdCardOutput | undefined {
  if (values['sd-out'] === undefined) return undefined;
  const path = String(values['sd-out']);
  if (values.sd === undefined || image === undefined) throw new CliError('--sd-out: needs --sd FILE, the card image to start from');
  if (path === '') throw new CliError('--sd-out: expected a file name');
  const input = String(values.sd);
  if (resolve(path) === resolve(input) || sameFile(path, input)) {
    throw new CliError(`--sd-out ${path}: is the --sd image; give another file (the input image is never modified)`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new CliError(`--sd-out ${path}: is a directory`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`--sd-out ${path}: no such directory ${dirname(path)}`);
  return new SdCardOutput(path, image);
}

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
