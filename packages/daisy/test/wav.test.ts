import { describe, expect, it } from 'vitest';
import { encodeWav24, parseWav, WavRecorder, WavSource } from '../src/index.js';

describe('WAV files', () => {
  it('writes 24-bit PCM as RIFF/WAVE lays it out (header fields, little-endian samples)', () => {
    const bytes = encodeWav24({ sampleRate: 48000, channels: [new Float32Array([0.5, -1]), new Float32Array([0, 0.25])] });
    const view = new DataView(bytes.buffer);
    const text = (at: number) => String.fromCharCode(...bytes.slice(at, at + 4));
    expect(text(0)).toBe('RIFF');
    expect(text(8)).toBe('WAVE');
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(2); // channels
    expect(view.getUint32(24, true)).toBe(48000);
    expect(view.getUint32(28, true)).toBe(48000 * 2 * 3); // byte rate
    expect(view.getUint16(34, true)).toBe(24);
    expect(view.getUint32(40, true)).toBe(2 * 2 * 3); // data bytes
    // 0.5 × 2^23 = 0x400000 → 00 00 40; -1 → 0x800000 → 00 00 80; 0 → 0; 0.25 → 0x200000.
    expect([...bytes.slice(44, 56)]).toEqual([0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x20]);
  });

  it('reads back what it writes, and 16-bit PCM', () => {
    const audio = parseWav(encodeWav24({ sampleRate: 44100, channels: [new Float32Array([0.5, -0.25])] }));
    expect(audio.sampleRate).toBe(44100);
    expect([...audio.channels[0]]).toEqual([0.5, -0.25]);
  });

  it('writes an empty stereo file, not a 0-channel one, when no audio was sent', () => {
    const bytes = encodeWav24({ sampleRate: 48000, channels: [] });
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(28, true)).toBe(48000 * 2 * 3);
    expect(view.getUint16(32, true)).toBe(6); // block align
    expect(view.getUint32(40, true)).toBe(0);
    expect(parseWav(bytes).channels.map((c) => c.length)).toEqual([0, 0]);
  });

  it('refuses a file that is not WAV with a clear message', () => {
    expect(() => parseWav(new TextEncoder().encode('not a wav file at all'), 'x.wav')).toThrow(/x\.wav: not a WAV file/);
  });

  it('feeds slots from the channels and records 24-bit slots back as floats', () => {
    const source = new WavSource({ sampleRate: 48000, channels: [new Float32Array([0.5]), new Float32Array([-0.5])] });
    const slots = new Int32Array(2);
    source.nextFrame(slots, 2, 24);
    expect([...slots]).toEqual([0x400000, -0x400000]);
    source.nextFrame(slots, 2, 24);
    expect([...slots]).toEqual([0, 0]); // silence after the end
    const recorder = new WavRecorder();
    recorder.frame(new Int32Array([0x400000, 0xc00000]), 2, 24, 48014);
    const out = recorder.audio();
    // 0xC00000 in a 24-bit slot is -0x400000: sign-extended from bit 23.
    expect([out.channels[0][0], out.channels[1][0]]).toEqual([0.5, -0.5]);
    expect(out.sampleRate).toBe(48014);
  });

  it('a second codec reads channels 3/4 (silence where the file has none) and records as channels 3/4', () => {
    const ch = (v: number) => new Float32Array([v, v / 2]);
    const source = new WavSource({ sampleRate: 48000, channels: [ch(0.5), ch(0.25), ch(-0.5), ch(-0.25)] });
    const second = source.secondCodec(2);
    const slots = new Int32Array(2);
    source.nextFrame(slots, 2, 24); // the first codec reads frame 0 first: the second starts at frame 1
    second.nextFrame(slots, 2, 24);
    expect([...slots]).toEqual([-0x200000, -0x100000]);
    const mono = new WavSource({ sampleRate: 48000, channels: [ch(0.5)] });
    mono.secondCodec(2).nextFrame(slots, 2, 24);
    expect([...slots]).toEqual([0, 0]);

    const recorder = new WavRecorder();
    const sink = recorder.secondCodec(2);
    expect(recorder.audio().channels.length).toBe(0);
    recorder.frame(new Int32Array([0x400000, 0x200000]), 2, 24, 48014);
    sink.frame(new Int32Array([0x100000, 0xc00000]), 2, 24, 48014);
    recorder.frame(new Int32Array([0x400000, 0x200000]), 2, 24, 48014);
    const out = recorder.audio();
    // The second codec's first frame came after one frame of the first: it lands in output frame 1.
    expect(out.channels.map((c) => [...c])).toEqual([[0.5, 0.5], [0.25, 0.25], [0, 0.125], [0, -0.5]]);
  });
});
