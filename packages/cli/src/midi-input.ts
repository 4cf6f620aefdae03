import type { TimedBytes } from '@seedsim/daisy';
import { parseMidi, type MidiData, type MidiEvent } from 'midi-file';
import { CliError } from './exit-codes.js';
import { readInput } from './files.js';

/**
 * MIDI for `--midi FILE`: a Standard MIDI File (.mid, recognised by its "MThd" header) or a text file
 * with one event per line, `SECONDS HEX-BYTES` (`0.100 90 3C 64`; `#` starts a comment).
 */
export function readMidiInput(path: string): TimedBytes[] {
  const data = readInput(path, 'MIDI file');
  try {
    return isSmf(data) ? smfToTimedBytes(parseMidi(data)) : parseMidiText(new TextDecoder().decode(data));
  } catch (error) {
    if (error instanceof CliError) throw new CliError(`--midi ${path}: ${error.message}`);
    throw new CliError(`--midi ${path}: not a readable Standard MIDI File: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isSmf(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x4d && data[1] === 0x54 && data[2] === 0x68 && data[3] === 0x64; // "MThd"
}

/** The text format: `SECONDS HEX HEX …` per line, blank lines and `#` comments ignored. */
export function parseMidiText(text: string): TimedBytes[] {
  const events: TimedBytes[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [time, ...hex] = line.split(/\s+/);
    const seconds = Number(time);
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new CliError(`line ${i + 1}: expected a time in seconds first, got "${time}"`);
    if (hex.length === 0) throw new CliError(`line ${i + 1}: no bytes after the time`);
    const bytes = hex.map((h) => {
      if (!/^(0x)?[0-9a-f]{1,2}$/i.test(h)) throw new CliError(`line ${i + 1}: "${h}" is not a hex byte`);
      return parseInt(h.replace(/^0x/i, ''), 16);
    });
    events.push({ seconds, bytes });
  });
  return events;
}

/** The bytes a channel or system-exclusive event puts on a MIDI wire; null for meta events (file-only). */
export function midiEventBytes(e: MidiEvent): number[] | null {
  switch (e.type) {
    case 'noteOn':
      return [0x90 | e.channel, e.noteNumber, e.velocity];
    case 'noteOff':
      // A note-on with velocity 0 (the parser's byte9) goes out as it was written.
      return e.byte9 ? [0x90 | e.channel, e.noteNumber, 0] : [0x80 | e.channel, e.noteNumber, e.velocity];
    case 'noteAftertouch':
      return [0xa0 | e.channel, e.noteNumber, e.amount];
    case 'controller':
      return [0xb0 | e.channel, e.controllerType, e.value];
    case 'programChange':
      return [0xc0 | e.channel, e.programNumber];
    case 'channelAftertouch':
      return [0xd0 | e.channel, e.amount];
    case 'pitchBend': {
      const v = e.value + 0x2000; // the parser centres the 14-bit value on 0
      return [0xe0 | e.channel, v & 0x7f, (v >> 7) & 0x7f];
    }
    case 'sysEx':
      return [0xf0, ...Array.from(e.data)]; // the SMF data carries the closing F7
    case 'endSysEx':
      return Array.from(e.data); // an F7 "escape": raw bytes
    default:
      return null;
  }
}

/**
 * Absolute times of every track's wire events, through the tempo map (Set Tempo meta events of any
 * track, default 120 BPM = 500 000 µs per quarter note; SMF 1.0). SMPTE time division: ticks per
 * frame × frames per second (29 = 29.97 drop-frame).
 */
export function smfToTimedBytes(midi: MidiData): TimedBytes[] {
  const merged: { tick: number; order: number; event: MidiEvent }[] = [];
  let order = 0;
  for (const track of midi.tracks) {
    let tick = 0;
    for (const event of track) {
      tick += event.deltaTime;
      merged.push({ tick, order: order++, event });
    }
  }
  merged.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const { ticksPerBeat, framesPerSecond, ticksPerFrame } = midi.header;
  if (ticksPerBeat === undefined) {
    const fps = framesPerSecond === 29 ? 29.97 : framesPerSecond ?? 0;
    const tickSeconds = 1 / (fps * (ticksPerFrame ?? 0));
    if (!Number.isFinite(tickSeconds)) throw new CliError('the header has no valid time division');
    return merged.flatMap(({ tick, event }) => {
      const bytes = midiEventBytes(event);
      return bytes ? [{ seconds: tick * tickSeconds, bytes }] : [];
    });
  }
  const out: TimedBytes[] = [];
  let tempo = 500_000; // µs per quarter note
  let lastTick = 0;
  let seconds = 0;
  for (const { tick, event } of merged) {
    seconds += ((tick - lastTick) * tempo) / (ticksPerBeat * 1e6);
    lastTick = tick;
    if (event.type === 'setTempo') tempo = event.microsecondsPerBeat;
    const bytes = midiEventBytes(event);
    if (bytes) out.push({ seconds, bytes });
  }
  return out;
}

/** Symbols of libDaisy's USB MIDI transport (MidiUsbHandler): MIDI that firmware reads over USB, not USART1. */
const USB_MIDI_SYMBOL = /MidiUsbTransport/;

/**
 * The stderr warning for MIDI bytes that arrived while USART1's receiver was off. When none arrived with
 * it on, the firmware never listened on USART1 during the run: it says so, and names USB MIDI when the
 * image links libDaisy's USB MIDI transport, which --midi does not feed.
 */
export function midiLostWarning(lost: number, received: number, symbolNames: readonly string[] = []): string {
  const bytes = `${lost} MIDI byte${lost === 1 ? '' : 's'}`;
  if (received === 0) {
    const hint = symbolNames.some((name) => USB_MIDI_SYMBOL.test(name))
      ? 'this firmware reads MIDI over USB (libDaisy MidiUsbHandler): give the file with --usb-midi'
      : 'the firmware never turned the receiver on (UE and RE) during the run, so it does not listen for MIDI on USART1 (libDaisy MidiUartHandler) or did not get that far';
    return `warning: ${bytes} went to USART1 and ${lost === 1 ? 'was' : 'were'} lost: ${hint}`;
  }
  return `warning: ${bytes} arrived while USART1's receiver was off (before the firmware enabled it, or UE/RE clear) and ${lost === 1 ? 'was' : 'were'} lost, as on hardware; time MIDI events after the firmware starts listening`;
}

/**
 * ST's USB host stack being started (libDaisy USBHostHandle::Init calls it): the firmware is the USB host.
 * Not USBHostHandle alone: libDaisy's MidiUsbTransport links some of it for its host mode even in device apps.
 */
const USB_HOST_INIT = 'USBH_Init';

/**
 * The stderr warning for --usb-midi bytes that arrived while no USB-MIDI device was open; it says so when
 * the image is a USB host (a MIDI keyboard plugged into the Daisy), which seedsim does not model.
 */
export function usbMidiLostWarning(lost: number, delivered: number, symbolNames: readonly string[] = []): string {
  const bytes = `${lost} MIDI byte${lost === 1 ? '' : 's'}`;
  const why = delivered === 0 && symbolNames.includes(USB_HOST_INIT)
    ? 'this firmware is a USB host (libDaisy USBHostHandle: a MIDI keyboard plugged into the Daisy), and seedsim models the USB device side only; --usb-midi plays into a USB-MIDI device (MidiUsbHandler)'
    : delivered === 0
      ? 'no USB-MIDI device was open during the run (the firmware did not start USB, or its device is not a USB-MIDI one: libDaisy MidiUsbHandler)'
      : 'they arrived before the firmware\'s USB-MIDI device was enumerated; time MIDI events after it starts';
  return `warning: ${bytes} for the USB-MIDI device ${lost === 1 ? 'was' : 'were'} lost: ${why}`;
}

/** The stderr warnings about the inputs given to one image: MIDI lost on either port, --gpio notes. */
export function inputWarnings(
  report: { midi?: { received: number; lost: number }; usbMidi?: { delivered: number; lost: number }; gpioNotes?: readonly string[] },
  symbolNames: readonly string[],
): string[] {
  const lines: string[] = [];
  if (report.midi && report.midi.lost > 0) lines.push(midiLostWarning(report.midi.lost, report.midi.received, symbolNames));
  for (const note of report.gpioNotes ?? []) lines.push(`warning: ${note}`);
  if (report.usbMidi && report.usbMidi.lost > 0) lines.push(usbMidiLostWarning(report.usbMidi.lost, report.usbMidi.delivered, symbolNames));
  return lines;
}

