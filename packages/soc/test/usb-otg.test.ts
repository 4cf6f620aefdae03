import { describe, expect, it } from 'vitest';
import { OTG, SystemBus, UsbOtg } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

const OTG2 = 0x4008_0000;

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const otg = new UsbOtg(ctx, 'OTG2_FS');
  bus.mapDevice(otg);
  return { ctx, r: (o: number) => bus.read32(OTG2 + o), w: (o: number, v: number) => bus.write32(OTG2 + o, v) };
}

describe('USB OTG core without a cable (RM0433 USB OTG chapter)', () => {
  it('resets with GRSTCTL = 0x8000_0000 (AHBIDL) and GINTSTS = 0x0400_0020', () => {
    const s = setup();
    expect(s.r(OTG.GRSTCTL) >>> 0).toBe(0x8000_0000);
    expect(s.r(OTG.GINTSTS) >>> 0).toBe(0x0400_0020);
  });

  it('completes a core soft reset and the FIFO flushes: CSRST, RXFFLSH and TXFFLSH read back 0', () => {
    const s = setup();
    s.w(OTG.GRSTCTL, 1); // CSRST
    expect(s.r(OTG.GRSTCTL) & 1).toBe(0);
    s.w(OTG.GRSTCTL, (1 << 5) | (0x10 << 6)); // TXFFLSH, TXFNUM = all FIFOs
    expect(s.r(OTG.GRSTCTL) & (1 << 5)).toBe(0);
    s.w(OTG.GRSTCTL, 1 << 4); // RXFFLSH
    expect(s.r(OTG.GRSTCTL) & (1 << 4)).toBe(0);
    expect(s.r(OTG.GRSTCTL) >>> 31).toBe(1); // still idle
  });

  it('reports the forced mode in GINTSTS.CMOD: 0 with FDMOD (device), 1 with FHMOD (host)', () => {
    const s = setup();
    s.w(OTG.GUSBCFG, 1 << 30);
    expect(s.r(OTG.GINTSTS) & 1).toBe(0);
    s.w(OTG.GUSBCFG, 1 << 29);
    expect(s.r(OTG.GINTSTS) & 1).toBe(1);
  });

  it('clears interrupt flags by writing 1 but keeps the read-only status bits', () => {
    const s = setup();
    s.w(OTG.GINTSTS, 0xffff_ffff);
    // NPTXFE (5) and PTXFE (26) are status bits: they stay.
    expect(s.r(OTG.GINTSTS) >>> 0).toBe(0x0400_0020);
  });

  it('never raises OTG_FS (IRQ 101) with the device-mode interrupts enabled and no host', () => {
    const s = setup();
    s.w(OTG.GUSBCFG, 1 << 30);
    s.w(OTG.GINTMSK, (1 << 11) | (1 << 12) | (1 << 13) | (1 << 18) | (1 << 19)); // USBSUSP, USBRST, ENUMDNE, IEPINT, OEPINT
    s.w(OTG.GAHBCFG, 1); // GINT
    s.ctx.advanceTo(10_000_000);
    expect(s.ctx.irqRaised).not.toContain(101);
  });
});
