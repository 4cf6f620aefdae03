import type { AudioSink, AudioSource } from '@seedsim/soc';
import type { WavAudio } from './wav.js';

/** Feeds a WAV file's frames into the codec's ADC slots, one channel per slot (silence after the end). */
export class WavSource implements AudioSource {
  private position = 0;

  constructor(private readonly audio: WavAudio) {}

  nextFrame(slots: Int32Array, slotCount: number, dataBits: number): void {
    const full = 2 ** (dataBits - 1);
    const channels = this.audio.channels;
    for (let s = 0; s < slotCount; s++) {
      const channel = channels.length ? channels[Math.min(s, channels.length - 1)] : null;
      const v = channel && this.position < channel.length ? channel[this.position] : 0;
      slots[s] = Math.max(-full, Math.min(full - 1, Math.round(v * full)));
    }
    this.position++;
  }
}

/** Collects what the firmware sends to the codec's DAC, as floats per slot. */
export class WavRecorder implements AudioSink {
  private data: Float32Array[] = [];
  private frames = 0;
  sampleRate = 48_000;

  frame(slots: Int32Array, slotCount: number, dataBits: number, sampleRate: number): void {
    this.sampleRate = sampleRate;
    if (this.data.length < slotCount) {
      while (this.data.length < slotCount) this.data.push(new Float32Array(Math.max(1024, this.data[0]?.length ?? 1024)));
    }
    if (this.frames >= this.data[0].length) this.data = this.data.map((c) => {
      const grown = new Float32Array(c.length * 2);
      grown.set(c);
      return grown;
    });
    // 24-bit audio travels in the low bits of a 32-bit slot: sign-extend from the data width.
    const shift = 32 - dataBits;
    const scale = 1 / 2 ** (dataBits - 1);
    for (let s = 0; s < slotCount; s++) this.data[s][this.frames] = ((slots[s] << shift) >> shift) * scale;
    this.frames++;
  }

  audio(): WavAudio {
    return { sampleRate: Math.round(this.sampleRate), channels: this.data.map((c) => c.slice(0, this.frames)) };
  }
}
