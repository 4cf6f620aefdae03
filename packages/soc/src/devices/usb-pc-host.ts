import type { Clock } from '@seedsim/core';
import type { UsbHostPort, UsbInResult, UsbOtg } from '../peripherals/usb-otg.js';
import { UsbMidiPacketizer } from './usb-midi-packets.js';

/** One bus transaction the host script asks for, and what it gets back. */
type Transaction =
  | { readonly kind: 'setup'; readonly data: Uint8Array }
  /** An IN token; a NAK is retried after the next SOF, unless `once` hands it back to the script. */
  | { readonly kind: 'in'; readonly ep: number; readonly once?: boolean }
  | { readonly kind: 'out'; readonly ep: number; readonly data: Uint8Array }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'reset' };
type Reply = UsbInResult | { readonly handshake: 'ack' | 'nak' | 'stall' } | undefined;
type Script = Generator<Transaction, void, Reply>;

/** Where the host's enumeration has got to. */
export type UsbHostState = 'detached' | 'resetting' | 'enumerating' | 'configured' | 'open' | 'failed';

/** Full-speed bus: 12 Mbit/s (USB 2.0 §7.1.11). */
const FULL_SPEED_BITS_PER_SECOND = 12_000_000;
/** Per-transaction overhead in bytes: token, handshake, sync, PID, CRC, inter-packet gaps (an estimate). */
const TRANSACTION_OVERHEAD_BYTES = 16;
/** Connect debounce before the first reset (USB 2.0 §7.1.7.3 asks ≥ 100 ms; 10 ms keeps boots short). [GAP] */
const ATTACH_DEBOUNCE_MS = 10;
/** Reset signalling length (USB 2.0 §7.1.7.5: ≥ 10 ms) and recovery before the first request (§9.2.6.2: 10 ms). */
const RESET_MS = 10;
const RESET_RECOVERY_MS = 10;
/** Control requests (USB 2.0 §9.4, CDC PSTN 1.2 §6.3). */
const GET_DESCRIPTOR = 6;
const SET_ADDRESS = 5;
const SET_CONFIGURATION = 9;
const SET_LINE_CODING = 0x20;
const SET_CONTROL_LINE_STATE = 0x22;
const DEVICE_ADDRESS = 1;
/** MIDI bytes a USB-MIDI event packet carries, by its Code Index Number (MIDI Devices 1.0 Table 4-1; 0, 1 reserved). */
const CIN_MIDI_BYTES = [0, 0, 2, 3, 3, 1, 2, 3, 3, 3, 3, 3, 2, 2, 3, 1];

/** What the host learned while enumerating: the raw descriptors and the endpoints it uses. */
export interface UsbEnumeration {
  deviceDescriptor: Uint8Array | null;
  configDescriptor: Uint8Array | null;
  /** The function found: a CDC-ACM serial port, or a USB-MIDI interface (Audio class, MIDIStreaming subclass). */
  function: 'cdc' | 'midi' | null;
  /** CDC communication (control) interface number: the target of the class requests. */
  controlInterface: number;
  /** Bulk endpoint numbers (without the 0x80 direction bit) of the CDC data or MIDIStreaming interface; 0: none. */
  bulkIn: number;
  bulkOut: number;
}

/**
 * A PC on the device's USB port (USB 2.0 chapter 9), driven by clock events at full-speed frame timing.
 * When the device connects (pull-up on) it waits, resets the bus, enumerates (GET_DESCRIPTOR device,
 * SET_ADDRESS, GET_DESCRIPTOR device and configuration, SET_CONFIGURATION) and then uses the function
 * the configuration describes:
 *   - a CDC-ACM serial port (CDC PSTN 1.2): opened as a terminal does (SET_LINE_CODING 115200 8N1,
 *     SET_CONTROL_LINE_STATE with DTR and RTS); the bulk IN endpoint is polled and each packet handed
 *     to `onData`;
 *   - a USB-MIDI interface (MIDI Devices 1.0): MIDI bytes given to `receive` (a DAW playing into the
 *     device) go out on the bulk OUT endpoint as USB-MIDI event packets, at most 64 bytes a packet, in
 *     the next frame; the bulk IN endpoint is polled once a frame and what it sends is handed to `onData`.
 * Transactions follow one another after their bus time; a NAK waits for the next frame (1 ms, with SOF).
 * A STALL or a malformed descriptor stops the host (state 'failed', `error`).
 */
export class UsbPcHost implements UsbHostPort {
  state: UsbHostState = 'detached';
  error: string | null = null;
  readonly enumeration: UsbEnumeration = { deviceDescriptor: null, configDescriptor: null, function: null, controlInterface: 0, bulkIn: 0, bulkOut: 0 };
  /** Every byte received from the bulk IN endpoint. */
  received: number[] = [];
  onData: ((data: Uint8Array) => void) | null = null;
  /** MIDI bytes delivered to the device in acknowledged OUT packets. */
  midiDelivered = 0;
  /** MIDI bytes given to `receive` while no USB-MIDI device was open (not connected yet, or not MIDI): lost. */
  midiLost = 0;
  private readonly midiPackets = new UsbMidiPacketizer();
  /** USB-MIDI event packets (4 bytes each) waiting for the bulk OUT endpoint. */
  private midiQueue: number[] = [];

  private script: Script | null = null;
  private pending: Transaction | null = null;
  private event: object | null = null;
  private frame = 0;
  private nextFrameAt = 0;
  private mps0 = 64;

  constructor(
    private readonly device: UsbOtg,
    private readonly clock: Clock,
    /** CPU clock in Hz now: the clock counts CPU cycles. */
    private readonly cpuHz: () => number,
  ) {
    device.attachHost(this);
  }

  private get cyclesPerMs(): number {
    return Math.max(1, Math.round(this.cpuHz() / 1000));
  }

  connectionChanged(connected: boolean): void {
    this.clock.cancel(this.event);
    this.event = null;
    this.pending = null;
    if (!connected) {
      this.script = null;
      this.state = 'detached';
      for (let i = 0; i < this.midiQueue.length; i += 4) this.midiLost += CIN_MIDI_BYTES[this.midiQueue[i] & 0xf];
      this.midiQueue = [];
      return;
    }
    this.state = 'resetting';
    this.error = null;
    this.mps0 = 64;
    this.script = this.run();
    this.nextFrameAt = this.clock.cycles + this.cyclesPerMs;
    this.schedule(this.clock.cycles);
  }

  private schedule(at: number): void {
    this.clock.cancel(this.event);
    this.event = this.clock.schedule(at, () => this.step());
  }

  /** Runs the next transaction; a NAKed one is retried after the next SOF. */
  private step(): void {
    this.event = null;
    const now = this.clock.cycles;
    while (now >= this.nextFrameAt) {
      this.frame = (this.frame + 1) & 0x7ff;
      this.device.startOfFrame(this.frame);
      this.nextFrameAt += this.cyclesPerMs;
    }
    if (this.script === null) return;
    let reply: Reply = undefined;
    if (this.pending !== null) {
      const t = this.pending;
      if (t.kind === 'wait') {
        this.pending = null;
      } else if (t.kind === 'reset') {
        this.device.resetDone();
        this.pending = null;
      } else {
        reply = this.execute(t);
        if (reply?.handshake === 'nak' && !(t.kind === 'in' && t.once === true)) {
          this.schedule(this.nextFrameAt);
          return;
        }
        this.pending = null;
      }
    }
    const next = this.script.next(reply);
    if (next.done) {
      this.script = null;
      return;
    }
    this.pending = next.value;
    const t = next.value;
    if (t.kind === 'wait') this.schedule(now + t.ms * this.cyclesPerMs);
    else if (t.kind === 'reset') {
      this.device.busReset();
      this.schedule(now + RESET_MS * this.cyclesPerMs);
    } else this.schedule(now + this.busCycles(t));
  }

  private execute(t: Transaction): Reply {
    if (t.kind === 'setup') return { handshake: this.device.setup(0, t.data) };
    if (t.kind === 'out') return { handshake: this.device.out(t.ep, t.data) };
    if (t.kind === 'in') return this.device.in(t.ep);
    return undefined;
  }

  /** Time on the wire for a transaction, in CPU cycles. */
  private busCycles(t: Transaction): number {
    const bytes = TRANSACTION_OVERHEAD_BYTES + (t.kind === 'setup' || t.kind === 'out' ? t.data.length : t.kind === 'in' ? 64 : 0);
    return Math.max(1, Math.round((bytes * 8 * this.cpuHz()) / FULL_SPEED_BITS_PER_SECOND));
  }

  private fail(message: string): void {
    this.state = 'failed';
    this.error = message;
  }

  /** The host's life on the bus: reset, enumerate, open the port, read. */
  private *run(): Script {
    yield { kind: 'wait', ms: ATTACH_DEBOUNCE_MS };
    yield { kind: 'reset' };
    yield { kind: 'wait', ms: RESET_RECOVERY_MS };
    this.state = 'enumerating';
    const e = this.enumeration;
    e.function = null;
    e.bulkIn = 0;
    e.bulkOut = 0;

    const first = yield* this.controlIn(0x80, GET_DESCRIPTOR, 0x0100, 0, 64);
    if (first === null) return;
    if (first.length < 8 || first[1] !== 1) return this.fail(`bad device descriptor (${first.length} bytes)`);
    this.mps0 = first[7];
    if (!(yield* this.controlNoData(0x00, SET_ADDRESS, DEVICE_ADDRESS, 0))) return;
    yield { kind: 'wait', ms: 2 }; // SET_ADDRESS recovery (USB 2.0 §9.2.6.3)
    const device = yield* this.controlIn(0x80, GET_DESCRIPTOR, 0x0100, 0, 18);
    if (device === null) return;
    e.deviceDescriptor = device;
    const head = yield* this.controlIn(0x80, GET_DESCRIPTOR, 0x0200, 0, 9);
    if (head === null) return;
    if (head.length < 9 || head[1] !== 2) return this.fail(`bad configuration descriptor (${head.length} bytes)`);
    const config = yield* this.controlIn(0x80, GET_DESCRIPTOR, 0x0200, 0, head[2] | (head[3] << 8));
    if (config === null) return;
    e.configDescriptor = config;
    this.findFunction(config);
    if (e.function === null || (e.function === 'cdc' && e.bulkIn === 0)) {
      return this.fail('no CDC-ACM data interface with a bulk IN endpoint, nor a USB-MIDI interface with a bulk endpoint, in the configuration descriptor');
    }
    if (!(yield* this.controlNoData(0x00, SET_CONFIGURATION, config[5], 0))) return;
    this.state = 'configured';
    if (e.function === 'midi') return yield* this.playMidi();
    // Open the port as a terminal does: 115200 baud, 1 stop bit, no parity, 8 data bits; DTR and RTS on.
    const lineCoding = Uint8Array.of(0x00, 0xc2, 0x01, 0x00, 0, 0, 8);
    if (!(yield* this.controlOut(0x21, SET_LINE_CODING, 0, e.controlInterface, lineCoding))) return;
    if (!(yield* this.controlNoData(0x21, SET_CONTROL_LINE_STATE, 0x0003, e.controlInterface))) return;
    this.state = 'open';
    for (;;) {
      const r = yield { kind: 'in', ep: e.bulkIn };
      if (r?.handshake === 'stall') return this.fail(`bulk IN endpoint ${e.bulkIn} stalled`);
      if (r?.handshake === 'ack' && 'data' in r && r.data.length > 0) {
        for (const b of r.data) this.received.push(b);
        this.onData?.(r.data);
      }
    }
  }

  /**
   * A USB-MIDI device: MIDI bytes queued by `receive` go out on the bulk OUT endpoint; between them the
   * bulk IN endpoint is polled once a frame (the device's MIDI out).
   */
  private *playMidi(): Script {
    const e = this.enumeration;
    this.state = 'open';
    for (;;) {
      if (this.midiQueue.length > 0 && e.bulkOut !== 0) {
        const packet = Uint8Array.from(this.midiQueue.slice(0, 64));
        const r = yield { kind: 'out', ep: e.bulkOut, data: packet };
        if (r?.handshake === 'stall') return this.fail(`bulk OUT endpoint ${e.bulkOut} stalled`);
        this.midiQueue.splice(0, packet.length);
        for (let i = 0; i < packet.length; i += 4) this.midiDelivered += CIN_MIDI_BYTES[packet[i] & 0xf];
        continue;
      }
      if (e.bulkIn !== 0) {
        const r = yield { kind: 'in', ep: e.bulkIn, once: true };
        if (r?.handshake === 'stall') return this.fail(`bulk IN endpoint ${e.bulkIn} stalled`);
        if (r?.handshake === 'ack' && 'data' in r && r.data.length > 0) {
          for (const b of r.data) this.received.push(b);
          this.onData?.(r.data);
          continue;
        }
      }
      yield { kind: 'wait', ms: 1 };
    }
  }

  /**
   * MIDI bytes a DAW plays into the device now (the sink of daisy's timedBytes): queued as USB-MIDI event
   * packets for the next frame, or lost while no USB-MIDI device is open.
   */
  receive(bytes: Iterable<number>): void {
    const list = [...bytes];
    if (this.state !== 'open' || this.enumeration.function !== 'midi') {
      this.midiLost += list.length;
      return;
    }
    for (const b of this.midiPackets.push(list)) this.midiQueue.push(b);
  }

  /**
   * Finds the function in the configuration: the CDC control interface (class 2) with the bulk endpoints
   * of its data interface (class 0x0A), or a MIDIStreaming interface (Audio class 1, subclass 3: MIDI
   * Devices 1.0 §6.2) with its bulk endpoints.
   */
  private findFunction(config: Uint8Array): void {
    const e = this.enumeration;
    let current: 'cdc' | 'midi' | null = null;
    for (let i = 0; i + 1 < config.length && config[i] >= 2; i += config[i]) {
      const type = config[i + 1];
      if (type === 4 && i + 6 < config.length) {
        const interfaceClass = config[i + 5];
        if (interfaceClass === 2) e.controlInterface = config[i + 2];
        current = interfaceClass === 0x0a ? 'cdc' : interfaceClass === 1 && config[i + 6] === 3 ? 'midi' : null;
      } else if (type === 5 && i + 3 < config.length && current !== null && (config[i + 3] & 3) === 2) {
        const address = config[i + 2];
        if (address & 0x80) e.bulkIn = address & 0xf;
        else e.bulkOut = address & 0xf;
        e.function = current;
      }
    }
  }

  private setupPacket(requestType: number, request: number, value: number, index: number, length: number): Uint8Array {
    return Uint8Array.of(requestType, request, value & 0xff, value >>> 8, index & 0xff, index >>> 8, length & 0xff, length >>> 8);
  }

  private stalled(r: Reply, what: string): boolean {
    if (r?.handshake !== 'stall') return false;
    this.fail(`${what} stalled`);
    return true;
  }

  /** A control read: SETUP, IN data packets until `length` bytes or a short packet, OUT status (ZLP). */
  private *controlIn(requestType: number, request: number, value: number, index: number, length: number): Generator<Transaction, Uint8Array | null, Reply> {
    const what = `request ${request} (wValue 0x${value.toString(16)})`;
    yield { kind: 'setup', data: this.setupPacket(requestType, request, value, index, length) };
    const bytes: number[] = [];
    for (;;) {
      const r = yield { kind: 'in', ep: 0 };
      if (this.stalled(r, what)) return null;
      if (r?.handshake !== 'ack' || !('data' in r)) continue;
      bytes.push(...r.data);
      if (bytes.length >= length || r.data.length < this.mps0) break;
    }
    if (this.stalled(yield { kind: 'out', ep: 0, data: new Uint8Array(0) }, what)) return null;
    return Uint8Array.from(bytes.slice(0, length));
  }

  /** A control write with a data stage: SETUP, OUT data packets, IN status (ZLP). */
  private *controlOut(requestType: number, request: number, value: number, index: number, data: Uint8Array): Generator<Transaction, boolean, Reply> {
    const what = `request ${request}`;
    yield { kind: 'setup', data: this.setupPacket(requestType, request, value, index, data.length) };
    for (let i = 0; i < data.length; i += this.mps0) {
      if (this.stalled(yield { kind: 'out', ep: 0, data: data.subarray(i, i + this.mps0) }, what)) return false;
    }
    return !this.stalled(yield { kind: 'in', ep: 0 }, what);
  }

  /** A control request without data: SETUP, IN status (ZLP). */
  private *controlNoData(requestType: number, request: number, value: number, index: number): Generator<Transaction, boolean, Reply> {
    yield { kind: 'setup', data: this.setupPacket(requestType, request, value, index, 0) };
    return !this.stalled(yield { kind: 'in', ep: 0 }, `request ${request}`);
  }
}
