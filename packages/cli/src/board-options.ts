import { APP_TYPES, BOARD_REVISIONS, WavSource, isFieldApp, parseWav, type AppType, type BoardOptions, type BoardRevision, type TimedKey, type TimedPinLevel } from '@seedsim/daisy';
import type { ElfImage } from '@seedsim/elf';
import { SineSource, type AudioSource } from '@seedsim/soc';
import { readInput } from './files.js';
import { readMidiInput } from './midi-input.js';
import { CliError } from './exit-codes.js';
import type { OptionSpec } from './options.js';

/** Options every command that boots firmware shares. */
export const BOARD_OPTION_SPEC: OptionSpec = {
  boot: { type: 'string' },
  revision: { type: 'string' },
  timing: { type: 'string' },
  input: { type: 'string' },
  sine: { type: 'string' },
  analog: { type: 'string' },
  sd: { type: 'string' },
  'sd-out': { type: 'string' },
  midi: { type: 'string' },
  'usb-midi': { type: 'string' },
  gpio: { type: 'string', multiple: true },
  'field-key': { type: 'string', multiple: true },
};

export const BOARD_OPTION_HELP = `  --boot TYPE        BOOT_NONE | BOOT_SRAM | BOOT_QSPI (default: detected from the ELF)
  --revision REV     rev4 (AK4556, default) | seed1.1 (WM8731) | seed2-dfm (PCM3060)
  --timing MODEL     m7 (default: pipeline, caches, bus latencies) | ideal (1 cycle per instruction)
  --input FILE.wav   audio into the codec (default silence)
  --sine HZ          a sine wave into the codec instead
  --analog PIN=V,…   voltages on analog pins (knobs, CV) as fractions of VREF+, e.g. PC4=0.25,PA6=1;
                     'default=V' sets every other pin (default 0.5, mid-scale)
  --sd FILE          an SD card image (raw sectors, e.g. FAT32) in the SDMMC1 slot (default: no card);
                     the file is never modified: the firmware's writes stay in memory
  --sd-out FILE      with --sd: when the run ends (for any reason, a fault included), write the card image
                     as the firmware left it to FILE and say on stderr how many blocks were written
  --midi FILE        MIDI into USART1 (PB7, libDaisy's MidiUartHandler default) at the firmware's baud
                     rate: a Standard MIDI File (.mid, timed through its tempo map from power-on) or a
                     text file, one event per line 'SECONDS HEX-BYTES' (e.g. '0.100 90 3C 64', '#'
                     comments); bytes that arrive before the firmware turns the receiver on are lost,
                     as on hardware, and counted in a warning on stderr
  --usb-midi FILE    MIDI into the micro-USB socket, as a DAW plays into a USB-MIDI device (libDaisy
                     MidiUsbHandler): the same file formats as --midi; the simulated PC sends each
                     event as a USB-MIDI packet in the next 1 ms frame once the firmware's device is
                     enumerated; events before that are lost and counted in a warning on stderr
  --gpio PIN=LEVEL[@SECONDS][,…]
                     drive a GPIO input from a simulated time on (default 0: power-on): buttons,
                     footswitches, toggles, gates. LEVEL 0 or 1; a switch to ground is pressed at 0
                     and released at 1, e.g. 'PB4=0@0.5,PB4=1@0.6' presses PB4 for 100 ms. Before its
                     first event a pin reads its pull resistor. Repeatable
  --field-key KEY@SECONDS[-SECONDS][,…]
                     press a Daisy Field key (0–15, as DaisyField::KeyboardState numbers them) from
                     the first time to the second (default 0.1 s later), e.g. '0@0.5-0.9,2@0.7';
                     a Field app's keyboard (two CD4021s) is wired up whenever the image links
                     libDaisy's DaisyField::Init or DaisyDuino's InitField. Repeatable`;

/**
 * Board options from the command line; an SD card comes as the image read from --sd. `newAudioInput`
 * makes the --input/--sine source afresh: a source keeps its place in the signal, so each board of a
 * command that boots several (bench) needs its own (boardOptionsForOneBoard).
 */
export type CliBoardOptions = BoardOptions & { sdCard?: Uint8Array; newAudioInput?: () => AudioSource };

/** The options for one more board: the audio input starts again at its first frame. */
export function boardOptionsForOneBoard(options: CliBoardOptions): CliBoardOptions {
  return options.newAudioInput === undefined ? options : { ...options, audioInput: options.newAudioInput() };
}

export function boardOptions(values: Record<string, unknown>): CliBoardOptions {
  const options: CliBoardOptions = {};
  if (values.boot !== undefined) {
    const boot = String(values.boot).toUpperCase();
    if (!(boot in APP_TYPES)) throw new CliError(`--boot: expected BOOT_NONE, BOOT_SRAM or BOOT_QSPI, got "${values.boot}"`);
    options.boot = boot as AppType;
  }
  if (values.revision !== undefined) {
    const rev = String(values.revision);
    if (!BOARD_REVISIONS.includes(rev as BoardRevision)) throw new CliError(`--revision: expected ${BOARD_REVISIONS.join(', ')}, got "${rev}"`);
    options.revision = rev as BoardRevision;
  }
  if (values.timing !== undefined) {
    const timing = String(values.timing);
    if (timing !== 'm7' && timing !== 'ideal') throw new CliError(`--timing: expected m7 or ideal, got "${timing}"`);
    options.timing = timing;
  }
  if (values.input !== undefined && values.sine !== undefined) throw new CliError('--input and --sine: give one audio source');
  if (values.input !== undefined) {
    const path = String(values.input);
    try {
      const audio = parseWav(readInput(path, 'WAV file'), path);
      options.newAudioInput = () => new WavSource(audio);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError((error as Error).message);
    }
  }
  if (values.sine !== undefined) {
    const hz = Number(values.sine);
    if (!(hz > 0 && hz < 24_000)) throw new CliError(`--sine: expected a frequency in Hz below 24000, got "${values.sine}"`);
    options.newAudioInput = () => new SineSource(hz);
  }
  if (options.newAudioInput !== undefined) options.audioInput = options.newAudioInput();
  if (values.midi !== undefined) options.midiInput = readMidiInput(String(values.midi));
  if (values['usb-midi'] !== undefined) options.usbMidiInput = readMidiInput(String(values['usb-midi']));
  if (values.sd !== undefined) options.sdCard = readInput(String(values.sd), 'SD card image');
  if (values.analog !== undefined) {
    const levels: Record<string, number> = {};
    for (const item of String(values.analog).split(',')) {
      const [pin, text] = item.split('=');
      const level = Number(text);
      if (!pin || text === undefined || !(level >= 0 && level <= 1)) throw new CliError(`--analog: expected PIN=LEVEL with LEVEL from 0 to 1, got "${item}"`);
      if (pin.trim().toLowerCase() === 'default') options.analogDefault = level;
      else if (!/^P[A-K]\d{1,2}(_C)?$/i.test(pin.trim())) throw new CliError(`--analog: "${pin}" is not a pin name (expected e.g. PC4)`);
      else levels[pin.trim().toUpperCase()] = level;
    }
    options.analogInputs = levels;
  }
  if (values.gpio !== undefined) options.gpioInput = parseGpioInput((values.gpio as string[]).join(','));
  if (values['field-key'] !== undefined) options.fieldKeys = parseFieldKeys((values['field-key'] as string[]).join(','));
  return options;
}

/** Usage errors that depend on the image: --field-key needs a Daisy Field app. */
export function checkBoardOptionsFor(image: ElfImage, options: CliBoardOptions): void {
  if (options.fieldKeys && options.fieldKeys.length > 0 && !isFieldApp(image.symbols)) {
    throw new CliError(`--field-key: ${image.name} is not a Daisy Field app (it links neither libDaisy's DaisyField::Init nor DaisyDuino's InitField), so it has no Field keyboard; use --gpio for other boards' buttons`);
  }
}

/** --field-key KEY@SECONDS[-SECONDS],… as presses and releases (a press lasts 0.1 s unless its release is given). */
export function parseFieldKeys(text: string): TimedKey[] {
  return text.split(',').flatMap((item) => {
    const match = /^\s*(\d{1,2})\s*@\s*([0-9.]+)\s*(?:-\s*([0-9.]+)\s*)?$/.exec(item);
    const key = Number(match?.[1]);
    const down = Number(match?.[2]);
    const up = match?.[3] !== undefined ? Number(match[3]) : down + 0.1;
    if (!match || key > 15 || !(down >= 0) || !(up > down)) {
      throw new CliError(`--field-key: expected KEY@SECONDS[-SECONDS] (e.g. 3@0.5-0.8) with a key 0–15 and a release after the press, got "${item}"`);
    }
    return [
      { key, seconds: down, pressed: true },
      { key, seconds: up, pressed: false },
    ];
  });
}

/** --gpio PIN=LEVEL[@SECONDS],… as timed pin levels, in the order given. */
export function parseGpioInput(text: string): TimedPinLevel[] {
  return text.split(',').map((item) => {
    const match = /^\s*(P[A-K])(\d{1,2})\s*=\s*([01])\s*(?:@\s*([0-9.]+)\s*)?$/i.exec(item);
    const seconds = Number(match?.[4] ?? 0);
    if (!match || Number(match[2]) > 15 || !(seconds >= 0)) {
      throw new CliError(`--gpio: expected PIN=LEVEL[@SECONDS] (e.g. PB4=0@0.5) with a pin PA0 … PK15 and LEVEL 0 or 1, got "${item}"`);
    }
    return { pin: `${match[1].toUpperCase()}${Number(match[2])}`, level: match[3] === '1', seconds };
  });
}
