import { describe, expect, it } from 'vitest';
import { OTG, SystemBus, UsbPcHost, UsbOtg, diepctl, dieptsiz, doepctl, doepint, doeptsiz, diepint, dtxfsts } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

const OTG2 = 0x4008_0000;
const IRQ = 101;
const CPU_HZ = 400e6;

// The test's own device: a CDC-ACM function written against RM0433's register description, in slave mode,
// in the order ST's PCD driver uses them (USBRST, ENUMDNE, RXFLVL pops, STUP/XFRC per endpoint).
const DEVICE_DESCRIPTOR = Uint8Array.of(18, 1, 0x00, 0x02, 2, 0, 0, 64, 0x34, 0x12, 0x78, 0x56, 0x00, 0x01, 0, 0, 0, 1);
// Configuration: CDC control interface 0 (class 2) with an interrupt IN endpoint 0x83, data interface 1 (class 0x0A)
// with bulk OUT 0x02 and bulk IN 0x81; 67 bytes, so the host needs two 64-byte packets to read it.
const CONFIG_DESCRIPTOR = Uint8Array.of(
  9, 2, 67, 0, 2, 1, 0, 0xc0, 50,
  9, 4, 0, 0, 1, 2, 2, 1, 0,
  5, 0x24, 0x00, 0x10, 0x01,
  5, 0x24, 0x01, 0x00, 0x01,
  4, 0x24, 0x02, 0x02,
  5, 0x24, 0x06, 0x00, 0x01,
  7, 5, 0x83, 3, 8, 0, 0x10,
  9, 4, 1, 0, 2, 0x0a, 0, 0, 0,
  7, 5, 0x02, 2, 64, 0, 0,
  7, 5, 0x81, 2, 64, 0, 0,
);

// A USB-MIDI function (MIDI Devices 1.0 Appendix B, shortened): Audio Control interface 0 (class 1,
// subclass 1), MIDIStreaming interface 1 (class 1, subclass 3) with bulk OUT 0x01 and bulk IN 0x81.
const MIDI_CONFIG_DESCRIPTOR = Uint8Array.of(
  9, 2, 52, 0, 2, 1, 0, 0x80, 50,
  9, 4, 0, 0, 0, 1, 1, 0, 0,
  9, 0x24, 0x01, 0x00, 0x01, 9, 0, 1, 1,
  9, 4, 1, 0, 2, 1, 3, 0, 0,
  7, 5, 0x01, 2, 64, 0, 0,
  7, 5, 0x81, 2, 64, 0, 0,
);

class TestDevice {
  readonly setups: number[][] = [];
  lineCoding: number[] | null = null;
  lineState = -1;
  configured = false;
  /** Data received on the bulk OUT endpoint (endpoint 1 or 2 by the configuration), in order. */
  readonly bulkOut: number[] = [];
  private ep0Out: 'setup' | 'data' | 'status' = 'setup';
  private outBytes: number[] = [];
  private setupBytes: number[] = [];

  constructor(
    readonly r: (o: number) => number,
    readonly w: (o: number, v: number) => void,
    readonly config: Uint8Array = CONFIG_DESCRIPTOR,
    /** The bulk OUT endpoint armed at SET_CONFIGURATION (0: none). */
    readonly outEndpoint = 0,
  ) {}

  private armBulkOut(): void {
    const n = this.outEndpoint;
    this.w(doeptsiz(n), (1 << 19) | 64);
    // USBAEP, bulk, 64-byte packets, CNAK, EPENA.
    this.w(doepctl(n), (1 << 15) | (2 << 18) | 64 | (1 << 26) | (1 << 31));
  }

  init(): void {
    const { w } = this;
    w(OTG.GUSBCFG, 1 << 30); // FDMOD
    w(OTG.GCCFG, 1 << 16); // PWRDWN: transceiver on
    w(OTG.GRXFSIZ, 0x80);
    w(OTG.DIEPTXF0, (0x40 << 16) | 0x80);
    w(OTG.DIEPTXF1, (0x80 << 16) | 0xc0);
    w(OTG.GINTMSK, (1 << 4) | (1 << 12) | (1 << 13) | (1 << 18) | (1 << 19)); // RXFLVL, USBRST, ENUMDNE, IEPINT, OEPINT
    w(OTG.GAHBCFG, 1 | (1 << 7)); // GINT, TXFELVL
    w(OTG.DCTL, 0); // soft connect
  }

  private armSetup(): void {
    this.w(doeptsiz(0), (3 << 29) | (1 << 19) | 24);
    this.ep0Out = 'setup';
  }

  private armOut0(state: 'data' | 'status'): void {
    this.w(doeptsiz(0), (1 << 19) | 64);
    this.w(doepctl(0), this.r(doepctl(0)) | (1 << 26) | (1 << 31)); // CNAK, EPENA
    this.ep0Out = state;
  }

  /** Queues `data` on IN endpoint `ep` in one transfer: all packets written to its FIFO at once. */
  sendIn(ep: number, data: Uint8Array): void {
    const packets = Math.max(1, Math.ceil(data.length / 64));
    this.w(dieptsiz(ep), (packets << 19) | data.length);
    this.w(diepctl(ep), this.r(diepctl(ep)) | (1 << 26) | (1 << 31));
    for (let i = 0; i < data.length; i += 4) {
      let word = 0;
      for (let b = 0; b < 4 && i + b < data.length; b++) word |= data[i + b] << (8 * b);
      this.w(0x1000 * (ep + 1), word >>> 0);
    }
  }

  private handleSetup(s: number[]): void {
    this.setups.push(s);
    const [type, request] = s;
    const value = s[2] | (s[3] << 8);
    const length = s[6] | (s[7] << 8);
    if (type === 0x80 && request === 6) {
      const descriptor = value >>> 8 === 1 ? DEVICE_DESCRIPTOR : this.config;
      this.sendIn(0, descriptor.subarray(0, Math.min(length, descriptor.length)));
      this.armOut0('status');
    } else if (type === 0x00 && request === 5) {
      this.w(OTG.DCFG, (this.r(OTG.DCFG) & ~(0x7f << 4)) | (value << 4));
      this.sendIn(0, new Uint8Array(0));
    } else if (type === 0x00 && request === 9) {
      // Bulk IN endpoint 1: USBAEP, bulk, TXFNUM 1, SD0PID, 64-byte packets.
      this.w(diepctl(1), (1 << 15) | (2 << 18) | (1 << 22) | (1 << 28) | 64);
      this.w(OTG.DAINTMSK, this.r(OTG.DAINTMSK) | 2);
      if (this.outEndpoint !== 0) {
        this.w(OTG.DAINTMSK, this.r(OTG.DAINTMSK) | (1 << (16 + this.outEndpoint)));
        this.armBulkOut();
      }
      this.configured = true;
      this.sendIn(0, new Uint8Array(0));
    } else if (type === 0x21 && request === 0x20) {
      this.outBytes = [];
      this.armOut0('data');
    } else if (type === 0x21 && request === 0x22) {
      this.lineState = value;
      this.sendIn(0, new Uint8Array(0));
    } else {
      this.w(diepctl(0), this.r(diepctl(0)) | (1 << 21)); // STALL
    }
  }

  /** The interrupt handler: runs while the OTG line is high. */
  service(): void {
    const { r, w } = this;
    const gintsts = r(OTG.GINTSTS) & r(OTG.GINTMSK);
    if (gintsts & (1 << 12)) {
      w(OTG.DAINTMSK, 0x10001);
      w(OTG.DOEPMSK, (1 << 3) | 1); // STUP, XFRC
      w(OTG.DIEPMSK, 1); // XFRC
      w(OTG.DCFG, r(OTG.DCFG) & ~(0x7f << 4));
      this.armSetup();
      w(OTG.GINTSTS, 1 << 12);
    }
    if (gintsts & (1 << 13)) {
      w(diepctl(0), (r(diepctl(0)) & ~3) | (1 << 15)); // 64-byte packets, USBAEP
      w(OTG.GINTSTS, 1 << 13);
    }
    if (gintsts & (1 << 4)) {
      const status = r(OTG.GRXSTSP);
      const count = (status >>> 4) & 0x7ff;
      const pktsts = (status >>> 17) & 0xf;
      const bytes: number[] = [];
      for (let i = 0; i < count; i += 4) {
        const word = r(0x1000);
        for (let b = 0; b < 4 && i + b < count; b++) bytes.push((word >>> (8 * b)) & 0xff);
      }
      if (pktsts === 6) this.setupBytes = bytes;
      else if (pktsts === 2 && (status & 0xf) !== 0) this.bulkOut.push(...bytes);
      else if (pktsts === 2) this.outBytes.push(...bytes);
    }
    if (gintsts & (1 << 19)) {
      const out0 = r(doepint(0)) & r(OTG.DOEPMSK);
      w(doepint(0), out0);
      if (out0 & (1 << 3)) this.handleSetup(this.setupBytes);
      if (out0 & 1) {
        if (this.ep0Out === 'data') {
          this.lineCoding = this.outBytes.slice();
          this.sendIn(0, new Uint8Array(0));
        }
        this.armSetup();
      }
      if (this.outEndpoint !== 0) {
        const n = this.outEndpoint;
        const outN = r(doepint(n)) & r(OTG.DOEPMSK);
        w(doepint(n), outN);
        if (outN & 1) this.armBulkOut(); // XFRC: take the next packet
      }
    }
    if (gintsts & (1 << 18)) {
      for (let n = 0; n < 2; n++) w(diepint(n), r(diepint(n)) & 1); // XFRC
    }
  }
}

function setup(config = CONFIG_DESCRIPTOR, outEndpoint = 0) {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const otg = new UsbOtg(ctx, 'OTG2_FS');
  bus.mapDevice(otg);
  const host = new UsbPcHost(otg, ctx.clock, () => CPU_HZ);
  const device = new TestDevice(
    (o) => bus.read32(OTG2 + o) >>> 0,
    (o, v) => bus.write32(OTG2 + o, v >>> 0),
    config,
    outEndpoint,
  );
  const received: number[] = [];
  host.onData = (d) => received.push(...d);
  /** Runs the clock in 10 µs steps to `ms`, servicing the interrupt as a CPU would between steps. */
  const runTo = (ms: number) => {
    for (let c = ctx.clock.cycles; c <= (ms * CPU_HZ) / 1000; c += 4000) {
      ctx.advanceTo(c);
      for (let i = 0; ctx.irqLevels.get(IRQ) && i < 100; i++) device.service();
      expect(ctx.irqLevels.get(IRQ) ?? false).toBe(false); // no interrupt storm
    }
  };
  return { ctx, otg, host, device, received, runTo };
}

describe('USB OTG device core with a simulated PC terminal (RM0433 USB OTG chapter; USB 2.0 ch. 9; CDC PSTN)', () => {
  it('stays detached until the device connects (GCCFG.PWRDWN set, DCTL.SDIS cleared)', () => {
    const s = setup();
    s.runTo(50);
    expect(s.host.state).toBe('detached');
    expect(s.ctx.irqRaised).not.toContain(IRQ);
  });

  it('enumerates the device, reading back the descriptors its device side provided, and opens the port with DTR', () => {
    const s = setup();
    s.device.init();
    s.runTo(100);
    expect(s.host.error).toBeNull();
    expect(s.host.state).toBe('open');
    expect(Array.from(s.host.enumeration.deviceDescriptor!)).toEqual(Array.from(DEVICE_DESCRIPTOR));
    expect(Array.from(s.host.enumeration.configDescriptor!)).toEqual(Array.from(CONFIG_DESCRIPTOR));
    expect(s.host.enumeration).toMatchObject({ controlInterface: 0, bulkIn: 1, bulkOut: 2 });
    expect(s.otg.deviceAddress).toBe(1);
    expect(s.device.configured).toBe(true);
    // 115200 baud little-endian, 1 stop bit, no parity, 8 data bits; DTR | RTS.
    expect(s.device.lineCoding).toEqual([0x00, 0xc2, 0x01, 0x00, 0, 0, 8]);
    expect(s.device.lineState).toBe(3);
    expect(s.device.setups.map((p) => p[1])).toEqual([6, 5, 6, 6, 6, 9, 0x20, 0x22]);
  });

  it('delivers what the device writes to the bulk IN FIFO, in order, across 64-byte packets', () => {
    const s = setup();
    s.device.init();
    s.runTo(100);
    const message = Uint8Array.from({ length: 150 }, (_, i) => 32 + ((i * 7) % 90));
    s.device.sendIn(1, message);
    s.runTo(110);
    s.device.sendIn(1, Uint8Array.from([0x68, 0x69, 0x0d, 0x0a]));
    s.runTo(120);
    expect(s.received).toEqual([...message, 0x68, 0x69, 0x0d, 0x0a]);
    expect(s.otg.readWord(dieptsiz(1)) >>> 19).toBe(0); // every packet sent
  });

  it('NAKs an IN token until the whole packet is in the FIFO, and reports FIFO space in DTXFSTS', () => {
    const s = setup();
    s.device.init();
    s.runTo(100);
    s.device.sendIn(1, new Uint8Array(0)); // arm, then fill by hand
    const w = (o: number, v: number) => s.otg.writeWord(o, v);
    w(dieptsiz(1), (1 << 19) | 8);
    w(diepctl(1), s.otg.readWord(diepctl(1)) | (1 << 31));
    expect(s.otg.readWord(dtxfsts(1))).toBe(0x80);
    w(0x2000, 0x6c6c6568);
    expect(s.otg.readWord(dtxfsts(1))).toBe(0x7f);
    expect(s.otg.in(1)).toEqual({ handshake: 'nak' });
    w(0x2000, 0x0a0d216f);
    const reply = s.otg.in(1);
    expect(reply.handshake).toBe('ack');
    expect(Array.from('data' in reply ? reply.data : [])).toEqual([...'hello!\r\n'].map((c) => c.charCodeAt(0)));
  });

  it('reports a device register it does not model, and DMA mode (GAHBCFG.DMAEN), as unmodelled', () => {
    const s = setup();
    s.otg.readWord(0x840);
    s.otg.writeWord(OTG.GAHBCFG, 1 << 5);
    expect(s.ctx.unmodelledCalls.map((u) => u.offset)).toEqual([0x840, OTG.GAHBCFG]);
  });
});

describe('the simulated PC as a MIDI interface for a USB-MIDI device (MIDI Devices 1.0)', () => {
  it('finds the MIDIStreaming interface, configures the device and sends MIDI as event packets on bulk OUT', () => {
    const s = setup(MIDI_CONFIG_DESCRIPTOR, 1);
    s.device.init();
    s.host.receive([0x90, 0x3c, 0x64]); // before the device exists: lost
    s.runTo(100);
    expect(s.host.error).toBeNull();
    expect(s.host.state).toBe('open');
    expect(s.host.enumeration).toMatchObject({ function: 'midi', bulkOut: 1, bulkIn: 1 });
    expect(s.device.setups.map((p) => p[1])).toEqual([6, 5, 6, 6, 6, 9]); // no CDC class requests
    expect(s.host.midiLost).toBe(3);
    s.host.receive([0x90, 0x3c, 0x64, 0x3e, 0x50]); // note on, then another by running status
    s.host.receive([0xb0, 0x07, 0x7f]);
    s.runTo(103); // the next frame carries them
    expect(s.device.bulkOut).toEqual([0x09, 0x90, 0x3c, 0x64, 0x09, 0x90, 0x3e, 0x50, 0x0b, 0xb0, 0x07, 0x7f]);
    expect(s.host.midiDelivered).toBe(9);
  });

  it('splits a long burst into 64-byte packets (16 events each) and polls bulk IN for the device\'s MIDI out', () => {
    const s = setup(MIDI_CONFIG_DESCRIPTOR, 1);
    s.device.init();
    s.runTo(100);
    const notes: number[] = [];
    for (let i = 0; i < 20; i++) notes.push(0x90, 0x30 + i, 0x40);
    s.host.receive(notes);
    s.device.sendIn(1, Uint8Array.of(0x09, 0x91, 0x40, 0x7f));
    s.runTo(110);
    expect(s.device.bulkOut).toHaveLength(80);
    expect(s.device.bulkOut.slice(76)).toEqual([0x09, 0x90, 0x30 + 19, 0x40]);
    expect(s.received).toEqual([0x09, 0x91, 0x40, 0x7f]);
  });
});
