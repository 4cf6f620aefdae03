/**
 * Four-channel audio on the Daisy Patch: SAI1 carries channels 1 and 2, SAI2 (the second codec, an
 * AK4556) channels 3 and 4. The tests program SAI1/SAI2 and DMA1 from the test itself, as libDaisy's
 * DaisyPatch::InitAudio and AudioHandle::Start leave them (libDaisy src/daisy_patch.cpp, src/per/sai.cpp,
 * src/hid/audio.cpp), and move the board's clock without running the CPU:
 *   SAI1: block A master TX, block B slave RX synchronous with A; DMA1 stream 0 (request 87) and 1 (88).
 *   SAI2: block A slave TX synchronous with B, block B master RX; DMA1 stream 3 (request 89) and 4 (90).
 *   Both: 24-bit data (DS = 110), 2 slots of 32 bits, circular DMA of 4-byte words, SAI2 started first.
 * The SAI kernel clocks come from per_ck (HSI, 64 MHz; RCC_D2CCIP1R.SAI1SEL = SAI23SEL = 100) with
 * MCKDIV = 4: FS = 64 MHz / (4 · 256) = 62.5 kHz, 1024 CPU cycles a frame at the reset CPU clock of
 * 64 MHz (RM0433 §51.4.8 "Clock generator").
 */
import { describe, expect, it } from 'vitest';
import { DaisyBoard, WavRecorder, WavSource, type WavAudio } from '../src/index.js';
import { fixtureImage } from './fixtures.js';

const RCC_D2CCIP1R = 0x5802_4400 + 0x50;
const SAI1 = 0x4001_5800;
const SAI2 = 0x4001_5c00;
const DMA1 = 0x4002_0000;
const DMAMUX1 = 0x4002_0800;
const FRAME_CYCLES = 1024;
/** Circular buffers of 96 frames × 2 slots (NDTR = 192 words), in D2 SRAM. */
const FRAMES = 96;
const BUFFERS = { sai1Tx: 0x3000_0000, sai1Rx: 0x3000_1000, sai2Tx: 0x3000_2000, sai2Rx: 0x3000_3000 };
const FULL = 2 ** 23;

/** The input file: 4 channels whose 24-bit samples name their channel and frame. */
const inputSample = (channel: number, frame: number) => (channel % 2 === 0 ? 1 : -1) * ((channel + 1) * 0x10000 + frame);
function inputWav(channels: number, frames: number): WavAudio {
  return {
    sampleRate: 48_000,
    channels: Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, f) => inputSample(c, f) / FULL)),
  };
}

/** What the firmware writes for output channel `channel` (0–3) at buffer frame `frame`, as a 24-bit value. */
const outputSample = (channel: number, frame: number) => (channel % 2 === 0 ? -1 : 1) * ((channel + 5) * 0x10000 + frame);

function makeBoard(input: WavAudio, recorder: WavRecorder): DaisyBoard {
  const board = new DaisyBoard(fixtureImage('audio-o2'), { timing: 'ideal', audioInput: new WavSource(input), audioOutput: recorder });
  board.bus.write32(RCC_D2CCIP1R, 4 | (4 << 6));
  return board;
}

/** Runs the board's clock events up to cycle `t` (no instruction executes). */
function advanceTo(board: DaisyBoard, t: number): void {
  const clock = board.clock;
  while (clock.nextEventAt <= t) {
    clock.cycles = clock.nextEventAt;
    clock.runDue();
  }
  clock.cycles = t;
}

interface Codec {
  sai: number;
  /** CR1 of blocks A and B without SAIEN/DMAEN: MCKDIV 4, 24-bit, CKSTR, MODE and SYNCEN as libDaisy sets them. */
  cr1: [number, number];
  txBlock: 'A' | 'B';
  txStream: number;
  rxStream: number;
  txRequest: number;
  rxRequest: number;
  txBuffer: number;
  rxBuffer: number;
}

const SEED_CODEC: Codec = {
  sai: SAI1,
  cr1: [0x0040_02c0, 0x0040_06c3], // A master TX, B slave RX synchronous
  txBlock: 'A',
  txStream: 0,
  rxStream: 1,
  txRequest: 87,
  rxRequest: 88,
  txBuffer: BUFFERS.sai1Tx,
  rxBuffer: BUFFERS.sai1Rx,
};
const PATCH_CODEC: Codec = {
  sai: SAI2,
  cr1: [0x0040_06c2, 0x0040_02c1], // A slave TX synchronous, B master RX
  txBlock: 'A',
  txStream: 3,
  rxStream: 4,
  txRequest: 89,
  rxRequest: 90,
  txBuffer: BUFFERS.sai2Tx,
  rxBuffer: BUFFERS.sai2Rx,
};

const blockOffset = (block: 'A' | 'B') => (block === 'A' ? 0x04 : 0x24);

/** SAI and DMA setup, then the stream and SAI enables in HAL_SAI_Receive_DMA / HAL_SAI_Transmit_DMA's order. */
function startCodec(board: DaisyBoard, codec: Codec, firstChannel: number): void {
  const bus = board.bus;
  for (let k = 0; k < FRAMES; k++) {
    for (let s = 0; s < 2; s++) bus.write32(codec.txBuffer + 4 * (2 * k + s), outputSample(firstChannel + s, k) & 0xff_ffff);
  }
  for (const block of ['A', 'B'] as const) {
    const at = codec.sai + blockOffset(block);
    bus.write32(at + 0x00, codec.cr1[block === 'A' ? 0 : 1]);
    bus.write32(at + 0x08, 0x0003_1f3f); // FRCR: 64-bit frame, FS active for 32
    bus.write32(at + 0x0c, 0xffff_0180); // SLOTR: 2 slots of 32 bits, all enabled
  }
  const stream = (s: number) => DMA1 + 0x10 + 0x18 * s;
  const rxBlock = codec.txBlock === 'A' ? 'B' : 'A';
  const setupStream = (s: number, request: number, cr: number, block: 'A' | 'B', memory: number) => {
    bus.write32(stream(s), cr); // circular, 32-bit both sides, memory increment
    bus.write32(DMAMUX1 + 4 * s, request);
    bus.write32(stream(s) + 0x04, 2 * FRAMES);
    bus.write32(stream(s) + 0x08, codec.sai + blockOffset(block) + 0x1c); // xDR
    bus.write32(stream(s) + 0x0c, memory);
    bus.write32(stream(s), cr | 1);
  };
  // Receive: stream, then DMAEN, then SAIEN.
  setupStream(codec.rxStream, codec.rxRequest, 0x0002_5500, rxBlock, codec.rxBuffer);
  const rx = codec.sai + blockOffset(rxBlock);
  bus.write32(rx, bus.read32(rx) | (1 << 17));
  bus.write32(rx, bus.read32(rx) | (1 << 16));
  // Transmit: stream, DMAEN (the FIFO fills), SAIEN.
  setupStream(codec.txStream, codec.txRequest, 0x0002_5540, codec.txBlock, codec.txBuffer);
  const tx = codec.sai + blockOffset(codec.txBlock);
  bus.write32(tx, bus.read32(tx) | (1 << 17));
  bus.write32(tx, bus.read32(tx) | (1 << 16));
}

const as24 = (v: number) => v & 0xff_ffff;

describe('Daisy Patch: SAI2 carries audio channels 3 and 4', () => {
  it('records SAI2 TX as output channels 3/4 and feeds SAI2 RX from input channels 3/4, frame-aligned with SAI1', () => {
    const recorder = new WavRecorder();
    const board = makeBoard(inputWav(4, 1000), recorder);
    // libDaisy's AudioHandle::Start starts SAI2's DMA first, then SAI1's.
    startCodec(board, PATCH_CODEC, 2);
    advanceTo(board, board.clock.cycles + 300);
    startCodec(board, SEED_CODEC, 0);
    const t0 = board.clock.cycles;
    const frames = 150; // more than one turn of the circular buffers
    advanceTo(board, t0 + frames * FRAME_CYCLES + FRAME_CYCLES / 2);
    expect(board.storage.sai1.blockA.frames).toBe(frames);
    expect(board.storage.sai2.blockB.frames).toBe(frames);

    const out = recorder.audio();
    expect(out.channels.length).toBe(4);
    expect(out.channels[0].length).toBe(frames);
    for (let k = 0; k < frames; k++) {
      // Output frame k holds buffer frame k mod 96 of both codecs.
      const row = [0, 1, 2, 3].map((c) => out.channels[c][k] * FULL);
      expect(row).toEqual([0, 1, 2, 3].map((c) => outputSample(c, k % FRAMES)));
    }

    // The RX buffers after 150 frames: frames 96–149 overwrote slots 0–53, frames 54–95 are still there.
    const bus = board.bus;
    for (let i = 0; i < FRAMES; i++) {
      const frame = i < frames - FRAMES ? FRAMES + i : i;
      const seed = [0, 1].map((s) => bus.read32(BUFFERS.sai1Rx + 4 * (2 * i + s)));
      const patch = [0, 1].map((s) => bus.read32(BUFFERS.sai2Rx + 4 * (2 * i + s)));
      expect(seed).toEqual([as24(inputSample(0, frame)), as24(inputSample(1, frame))]);
      expect(patch).toEqual([as24(inputSample(2, frame)), as24(inputSample(3, frame))]);
    }
  });

  it('stays a 2-channel recording when SAI2 never transmits (Seed firmware)', () => {
    const recorder = new WavRecorder();
    const board = makeBoard(inputWav(4, 100), recorder);
    startCodec(board, SEED_CODEC, 0);
    advanceTo(board, board.clock.cycles + 10 * FRAME_CYCLES + 1);
    const out = recorder.audio();
    expect(out.channels.length).toBe(2);
    expect(out.channels[0].length).toBe(10);
    expect(out.channels[1][3] * FULL).toBe(outputSample(1, 3));
  });

  it('pads channels 3/4 with silence before a late SAI2 start and keeps both codecs on the same input frames', () => {
    const recorder = new WavRecorder();
    const board = makeBoard(inputWav(4, 1000), recorder);
    startCodec(board, SEED_CODEC, 0);
    const t0 = board.clock.cycles;
    // SAI1's frame m goes out at t0 + (m + 1)·F. SAI2 starts at t0 + 10.5·F, so its frame n goes out at
    // t0 + (11.5 + n)·F, after SAI1's 11th: it belongs with SAI1's frame 11 + n.
    advanceTo(board, t0 + 10 * FRAME_CYCLES + FRAME_CYCLES / 2);
    startCodec(board, PATCH_CODEC, 2);
    advanceTo(board, t0 + 40 * FRAME_CYCLES + FRAME_CYCLES / 4);
    expect(board.storage.sai1.blockA.frames).toBe(40);
    expect(board.storage.sai2.blockB.frames).toBe(29);

    const out = recorder.audio();
    expect(out.channels.length).toBe(4);
    expect(out.channels.map((c) => c.length)).toEqual([40, 40, 40, 40]);
    for (let k = 0; k < 11; k++) expect([out.channels[2][k], out.channels[3][k]]).toEqual([0, 0]);
    for (let n = 0; n < 29; n++) {
      expect([out.channels[2][11 + n] * FULL, out.channels[3][11 + n] * FULL]).toEqual([outputSample(2, n), outputSample(3, n)]);
    }
    for (let k = 0; k < 40; k++) expect(out.channels[0][k] * FULL).toBe(outputSample(0, k));
    // SAI2 RX reads the file from the frame SAI1 RX was about to read: its first frame is input frame 11.
    for (let n = 0; n < 29; n++) {
      const patch = [0, 1].map((s) => board.bus.read32(BUFFERS.sai2Rx + 4 * (2 * n + s)));
      expect(patch).toEqual([as24(inputSample(2, 11 + n)), as24(inputSample(3, 11 + n))]);
    }
  });

  it('gives SAI2 RX silence when the input file has only channels 1 and 2', () => {
    const board = makeBoard(inputWav(2, 1000), new WavRecorder());
    startCodec(board, PATCH_CODEC, 2);
    startCodec(board, SEED_CODEC, 0);
    advanceTo(board, board.clock.cycles + 20 * FRAME_CYCLES + 1);
    expect(board.storage.sai2.blockB.frames).toBe(20);
    for (let i = 0; i < 2 * 20; i++) expect(board.bus.read32(BUFFERS.sai2Rx + 4 * i)).toBe(0);
    expect(board.bus.read32(BUFFERS.sai1Rx + 4 * (2 * 19 + 1))).toBe(as24(inputSample(1, 19)));
  });
});
