/**
 * WAV (RIFF/WAVE PCM) reading and writing for audio input and output: 16-bit and 24-bit integer PCM,
 * 32-bit float (format 3), any channel count. Pure functions on bytes, so they run in a browser too.
 */
export interface WavAudio {
  sampleRate: number;
  /** One Float32Array per channel, samples in [-1, 1). */
  channels: Float32Array[];
}

function text(view: DataView, at: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(view.getUint8(at + i));
  return s;
}

export function parseWav(bytes: Uint8Array, name = 'input.wav'): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || text(view, 0, 4) !== 'RIFF' || text(view, 8, 4) !== 'WAVE') {
    throw new Error(`${name}: not a WAV file (no RIFF/WAVE header)`);
  }
  let format = 0;
  let channelCount = 0;
  let sampleRate = 0;
  let bits = 0;
  let data: DataView | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = text(view, at, 4);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (body + size > bytes.length && id !== 'data') throw new Error(`${name}: chunk '${id}' runs past the end of the file`);
    if (id === 'fmt ') {
      format = view.getUint16(body, true);
      channelCount = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
      if (format === 0xfffe && size >= 40) format = view.getUint16(body + 24, true);
    } else if (id === 'data') {
      data = new DataView(bytes.buffer, bytes.byteOffset + body, Math.min(size, bytes.length - body));
    }
    at = body + size + (size & 1);
  }
  if (!format || !data) throw new Error(`${name}: WAV file without a fmt or data chunk`);
  const supported = (format === 1 && (bits === 16 || bits === 24 || bits === 32)) || (format === 3 && bits === 32);
  if (!supported) throw new Error(`${name}: unsupported WAV encoding (format ${format}, ${bits} bits): use 16/24/32-bit PCM or 32-bit float`);
  const frameBytes = (bits / 8) * channelCount;
  const frames = Math.floor(data.byteLength / frameBytes);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channelCount; c++) {
      const at = f * frameBytes + c * (bits / 8);
      let v: number;
      if (format === 3) v = data.getFloat32(at, true);
      else if (bits === 16) v = data.getInt16(at, true) / 32768;
      else if (bits === 24) v = ((data.getUint8(at) | (data.getUint8(at + 1) << 8) | (data.getInt8(at + 2) << 16)) / 8388608);
      else v = data.getInt32(at, true) / 2147483648;
      channels[c][f] = v;
    }
  }
  return { sampleRate, channels };
}

/**
 * Encodes 24-bit PCM (the Daisy codec's resolution). No channels at all (the firmware never sent audio)
 * is written as an empty stereo file: a WAV with 0 channels is not one readers accept.
 */
export function encodeWav24(audio: WavAudio): Uint8Array {
  if (audio.channels.length === 0) audio = { ...audio, channels: [new Float32Array(0), new Float32Array(0)] };
  const channelCount = audio.channels.length;
  const frames = audio.channels[0].length;
  const dataBytes = frames * channelCount * 3;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const put = (at: number, s: string) => [...s].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  put(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, audio.sampleRate, true);
  view.setUint32(28, audio.sampleRate * channelCount * 3, true);
  view.setUint16(32, channelCount * 3, true);
  view.setUint16(34, 24, true);
  put(36, 'data');
  view.setUint32(40, dataBytes, true);
  let at = 44;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channelCount; c++) {
      const v = Math.max(-8388608, Math.min(8388607, Math.round(audio.channels[c][f] * 8388608)));
      view.setUint8(at, v & 0xff);
      view.setUint8(at + 1, (v >> 8) & 0xff);
      view.setUint8(at + 2, (v >> 16) & 0xff);
      at += 3;
    }
  }
  return bytes;
}
