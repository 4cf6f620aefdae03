import type { AudioSink, AudioSource } from '@seedsim/soc';
import type { WavAudio } from './wav.js';

/**
 * Feeds a WAV file's frames into the codec's ADC slots, one channel per slot (silence after the end).
 * The first codec takes channels 1, 2 … (a mono file feeds every slot); `secondCodec(2)` gives the
 * source for a second codec (SAI2 on the Daisy Patch), which takes channels 3, 4 … (silence where the
 * file has fewer).
 */
export class WavSource implements AudioSource {
  private position = 0;
  private started = false;

  /**
   * @param channelOffset first WAV channel this source feeds (0 for the first codec).
   * @param primary the first codec's source: a second codec's source starts reading at the frame the
   *   first codec is about to read, so frame k of every channel is heard at the same time.
   */
  constructor(
    private readonly audio: WavAudio,
    private readonly channelOffset = 0,
    private readonly primary: WavSource | null = null,
  ) {}

  /** The source of a second codec: this file's channels from `offset` on, on this source's frame count. */
  secondCodec(offset: number): WavSource {
    return new WavSource(this.audio, offset, this);
  }

  nextFrame(slots: Int32Array, slotCount: number, dataBits: number): void {
    if (!this.started) {
      this.started = true;
      if (this.primary !== null) this.position = this.primary.position;
    }
    const full = 2 ** (dataBits - 1);
    const channels = this.audio.channels;
    for (let s = 0; s < slotCount; s++) {
      let channel: Float32Array | null;
      if (this.channelOffset === 0) channel = channels.length ? channels[Math.min(s, channels.length - 1)] : null;
      else channel = channels[this.channelOffset + s] ?? null;
      const v = channel && this.position < channel.length ? channel[this.position] : 0;
      slots[s] = Math.max(-full, Math.min(full - 1, Math.round(v * full)));
    }
    this.position++;
  }
}

/** The frames one codec's transmit block sent, as floats per slot. */
class SlotRecording implements AudioSink {
  data: Float32Array[] = [];
  frames = 0;
  sampleRate = 0;

  frame(slots: Int32Array, slotCount: number, dataBits: number, sampleRate: number): void {
    this.sampleRate = sampleRate;
    while (this.data.length < slotCount) this.data.push(new Float32Array(Math.max(1024, this.data[0]?.length ?? 1024)));
    if (this.frames >= this.data[0].length) {
      this.data = this.data.map((c) => {
        const grown = new Float32Array(c.length * 2);
        grown.set(c);
        return grown;
      });
    }
    // 24-bit audio travels in the low bits of a 32-bit slot: sign-extend from the data width.
    const shift = 32 - dataBits;
    const scale = 1 / 2 ** (dataBits - 1);
    for (let s = 0; s < slotCount; s++) this.data[s][this.frames] = ((slots[s] << shift) >> shift) * scale;
    this.frames++;
  }
}

/** A second codec's transmit side: recorded apart, placed on the first codec's frame count. */
class SecondCodecRecording extends SlotRecording {
  /** Output frame of this codec's first frame: the first codec's frame count when it arrived. */
  start = -1;

  constructor(
    readonly offset: number,
    private readonly first: SlotRecording,
  ) {
    super();
  }

  override frame(slots: Int32Array, slotCount: number, dataBits: number, sampleRate: number): void {
    if (this.start < 0) this.start = this.first.frames;
    super.frame(slots, slotCount, dataBits, sampleRate);
  }
}

/**
 * Collects what the firmware sends to the codec's DAC, as floats per slot. `secondCodec(2)` gives the
 * sink for a second codec (SAI2 on the Daisy Patch): its slots become channels 3, 4 … of the same
 * recording, but only if it sent any frame (a Seed's recording stays 2-channel).
 */
export class WavRecorder implements AudioSink {
  private readonly first = new SlotRecording();
  private second: SecondCodecRecording | null = null;

  get sampleRate(): number {
    if (this.first.frames === 0 && this.second !== null && this.second.frames > 0) return this.second.sampleRate;
    return this.first.frames > 0 ? this.first.sampleRate : 48_000;
  }

  frame(slots: Int32Array, slotCount: number, dataBits: number, sampleRate: number): void {
    this.first.frame(slots, slotCount, dataBits, sampleRate);
  }

  /** The sink of a second codec, recorded as channels `offset`, `offset` + 1 … */
  secondCodec(offset: number): AudioSink {
    this.second ??= new SecondCodecRecording(offset, this.first);
    return this.second;
  }

  /**
   * The recording. With a second codec that sent frames, its frame n lands in output frame start + n,
   * where start is how many frames the first codec had sent when the second sent its first (so two
   * codecs started within one frame of each other line up frame for frame); before it, and after the
   * shorter of the two ends, the channels hold silence. The second codec's channels start at `offset`,
   * or after the first codec's channels if it has more.
   */
  audio(): WavAudio {
    const sampleRate = Math.round(this.sampleRate);
    const first = this.first.data.map((c) => c.slice(0, this.first.frames));
    const second = this.second;
    if (second === null || second.frames === 0) return { sampleRate, channels: first };
    const length = Math.max(this.first.frames, second.start + second.frames);
    const channels: Float32Array[] = [];
    for (let c = 0; c < Math.max(second.offset, first.length); c++) {
      const channel = new Float32Array(length);
      if (c < first.length) channel.set(first[c]);
      channels.push(channel);
    }
    for (const data of second.data) {
      const channel = new Float32Array(length);
      channel.set(data.subarray(0, second.frames), second.start);
      channels.push(channel);
    }
    return { sampleRate, channels };
  }
}
