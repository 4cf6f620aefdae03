import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boardOptions } from '../src/board-options.js';
import { midiLostWarning, parseMidiText, readMidiInput, usbMidiLostWarning } from '../src/midi-input.js';
import { runCli } from './helpers.js';

const build = fileURLToPath(new URL('../../../firmware-fixtures/build/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'seedsim-midi-'));

/** A Standard MIDI File built byte by byte (SMF 1.0: "MThd" length 6, format, tracks, division; "MTrk" chunks). */
function smf(format: number, division: number, tracks: number[][]): Uint8Array {
  const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const out = [0x4d, 0x54, 0x68, 0x64, ...be32(6), 0, format, 0, tracks.length, division >> 8, division & 0xff];
  for (const t of tracks) out.push(0x4d, 0x54, 0x72, 0x6b, ...be32(t.length), ...t);
  return new Uint8Array(out);
}

describe('--midi input', () => {
  it('text format: seconds then hex bytes per line; comments and blank lines ignored', () => {
    expect(parseMidiText('# a chord\n0.100 90 3C 64\n\n0.25  0x80 3c 00  # off\n')).toEqual([
      { seconds: 0.1, bytes: [0x90, 0x3c, 0x64] },
      { seconds: 0.25, bytes: [0x80, 0x3c, 0x00] },
    ]);
    expect(() => parseMidiText('0.1 9G')).toThrow(/line 1: "9G" is not a hex byte/);
    expect(() => parseMidiText('soon 90 3C 64')).toThrow(/line 1: expected a time in seconds/);
  });

  it('SMF: ticks become seconds through the tempo map, across tracks; running status and velocity-0 note-offs keep their bytes', () => {
    // Division 96 ticks per quarter note. Track 0: tempo 500 000 µs/quarter (120 BPM) at tick 0, then
    // 250 000 µs (240 BPM) at tick 96. Track 1: note-on at tick 96, a running-status note-on with
    // velocity 0 at tick 192, pitch bend (centre, E0 00 40) at tick 192, CC 7 at tick 288.
    // Seconds: tick 96 = 96/96 · 0.5 s = 0.5 s; tick 192 = 0.5 + 96/96 · 0.25 = 0.75 s; tick 288 = 1.0 s.
    const tempo = [0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, 0x60, 0xff, 0x51, 0x03, 0x03, 0xd0, 0x90, 0x00, 0xff, 0x2f, 0x00];
    const notes = [0x60, 0x91, 0x3c, 0x64, 0x60, 0x3c, 0x00, 0x00, 0xe1, 0x00, 0x40, 0x60, 0xb1, 0x07, 0x50, 0x00, 0xff, 0x2f, 0x00];
    const path = join(tmp, 'tempo.mid');
    writeFileSync(path, smf(1, 96, [tempo, notes]));
    expect(readMidiInput(path)).toEqual([
      { seconds: 0.5, bytes: [0x91, 0x3c, 0x64] },
      { seconds: 0.75, bytes: [0x91, 0x3c, 0x00] },
      { seconds: 0.75, bytes: [0xe1, 0x00, 0x40] },
      { seconds: 1.0, bytes: [0xb1, 0x07, 0x50] },
    ]);
  });

  it('boardOptions passes --midi to the board as midiInput; a bad file is a usage error naming it', () => {
    const path = join(tmp, 'notes.txt');
    writeFileSync(path, '0.5 90 40 7f\n');
    expect(boardOptions({ midi: path }).midiInput).toEqual([{ seconds: 0.5, bytes: [0x90, 0x40, 0x7f] }]);
    const bad = join(tmp, 'bad.txt');
    writeFileSync(bad, '0.5 zz\n');
    expect(() => boardOptions({ midi: bad })).toThrow(`--midi ${bad}: line 1: "zz" is not a hex byte`);
  });

  it('run and bench --help document --midi', async () => {
    for (const cmd of ['run', 'bench']) {
      const { stdout } = await runCli(cmd, '--help');
      expect(stdout).toContain('--midi FILE');
      expect(stdout).toContain('--usb-midi FILE');
    }
  });

  it('run: bytes that arrive while USART1 is off are lost, with a warning and the counts in --json', async () => {
    // audio-o2 never enables USART1's receiver: all three bytes are lost.
    const path = join(tmp, 'early.txt');
    writeFileSync(path, '0.001 90 3C 64\n');
    const { stdout, stderr } = await runCli('run', join(build, 'audio-o2.elf'), '--seconds', '0.01', '--timing', 'ideal', '--json', '--midi', path);
    expect(JSON.parse(stdout).midi).toEqual({ received: 0, lost: 3 });
    expect(stderr).toContain('warning: 3 MIDI bytes went to USART1 and were lost: the firmware never turned the receiver on (UE and RE)');
  });

  it('run --usb-midi: with no USB-MIDI device in the firmware the bytes are lost, with a warning and the counts in --json', async () => {
    const path = join(tmp, 'usb.txt');
    writeFileSync(path, '0.002 90 3C 64\n0.004 80 3C 00\n');
    const { stdout, stderr } = await runCli('run', join(build, 'audio-o2.elf'), '--seconds', '0.01', '--timing', 'ideal', '--json', '--usb-midi', path);
    expect(JSON.parse(stdout).usbMidi).toEqual({ delivered: 0, lost: 6 });
    expect(stderr).toContain('warning: 6 MIDI bytes for the USB-MIDI device were lost: no USB-MIDI device was open during the run');
  });

  it('the USB-MIDI warning says when the firmware is a USB host, which seedsim does not model', () => {
    expect(usbMidiLostWarning(6, 0, ['main', 'USBH_Init'])).toContain('this firmware is a USB host (libDaisy USBHostHandle');
    expect(usbMidiLostWarning(6, 0, ['main'])).toContain('no USB-MIDI device was open during the run');
    expect(usbMidiLostWarning(3, 9, ['main'])).toContain('before the firmware\'s USB-MIDI device was enumerated');
    // A USB-MIDI device app links part of libDaisy's host side too; bytes delivered settle it.
    expect(usbMidiLostWarning(3, 9, ['USBH_Init', '_ZN5daisy13USBHostHandle4ImplD1Ev'])).toContain('before the firmware\'s USB-MIDI device was enumerated');
    expect(usbMidiLostWarning(6, 0, ['_ZN5daisy13USBHostHandle4ImplD1Ev'])).toContain('no USB-MIDI device was open');
  });

  it('the lost-bytes warning says whether the firmware listened late, never, or reads MIDI over USB', () => {
    expect(midiLostWarning(2, 10)).toMatch(/^warning: 2 MIDI bytes arrived while USART1's receiver was off .* time MIDI events after/);
    expect(midiLostWarning(1, 0, ['main', 'daisy::MidiUartTransport::Init(daisy::MidiUartTransport::Config)'])).toMatch(/1 MIDI byte went to USART1 and was lost: the firmware never turned the receiver on/);
    const usb = midiLostWarning(6, 0, ['daisy::MidiUsbTransport::Init(daisy::MidiUsbTransport::Config)']);
    expect(usb).toContain('reads MIDI over USB (libDaisy MidiUsbHandler): give the file with --usb-midi');
  });
});
