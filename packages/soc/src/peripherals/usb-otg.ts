import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

/** Core global and device register offsets (RM0433 USB OTG chapter, "OTG_HS registers"). */
export const OTG = {
  GOTGCTL: 0x000,
  GOTGINT: 0x004,
  GAHBCFG: 0x008,
  GUSBCFG: 0x00c,
  GRSTCTL: 0x010,
  GINTSTS: 0x014,
  GINTMSK: 0x018,
  GRXSTSR: 0x01c,
  GRXSTSP: 0x020,
  GRXFSIZ: 0x024,
  DIEPTXF0: 0x028,
  GNPTXSTS: 0x02c,
  GCCFG: 0x038,
  CID: 0x03c,
  GSNPSID: 0x040,
  GLPMCFG: 0x054,
  HPTXFSIZ: 0x100,
  /** DIEPTXFn (n = 1..8) at 0x104 + 4·(n − 1). */
  DIEPTXF1: 0x104,
  DCFG: 0x800,
  DCTL: 0x804,
  DSTS: 0x808,
  DIEPMSK: 0x810,
  DOEPMSK: 0x814,
  DAINT: 0x818,
  DAINTMSK: 0x81c,
  DVBUSDIS: 0x828,
  DVBUSPULSE: 0x82c,
  DTHRCTL: 0x830,
  DIEPEMPMSK: 0x834,
  DEACHINT: 0x838,
  DEACHINTMSK: 0x83c,
  /** IN endpoint n registers at 0x900 + 0x20·n: CTL +0, INT +8, TSIZ +0x10, DMA +0x14, DTXFSTS +0x18. */
  DIEPCTL0: 0x900,
  /** OUT endpoint n registers at 0xB00 + 0x20·n: CTL +0, INT +8, TSIZ +0x10, DMA +0x14. */
  DOEPCTL0: 0xb00,
  PCGCCTL: 0xe00,
} as const;

/** Endpoint register offsets (RM0433 OTG_DIEPCTLx … OTG_DOEPTSIZx). */
export const diepctl = (n: number) => 0x900 + 0x20 * n;
export const diepint = (n: number) => 0x908 + 0x20 * n;
export const dieptsiz = (n: number) => 0x910 + 0x20 * n;
export const dtxfsts = (n: number) => 0x918 + 0x20 * n;
export const doepctl = (n: number) => 0xb00 + 0x20 * n;
export const doepint = (n: number) => 0xb08 + 0x20 * n;
export const doeptsiz = (n: number) => 0xb10 + 0x20 * n;

/** The two OTG cores of the STM32H750 (RM0433 memory map; interrupt vector table). */
export const USB_OTG_INSTANCES = {
  /** OTG1: the high-speed core (ULPI or its embedded full-speed PHY on PB14/PB15). */
  OTG1_HS: { base: 0x4004_0000, irq: 77, svd: 'OTG1_HS_GLOBAL' },
  /** OTG2: the full-speed core with its embedded PHY on PA11/PA12 (the Daisy Seed's micro-USB socket). */
  OTG2_FS: { base: 0x4008_0000, irq: 101, svd: 'OTG2_HS_GLOBAL' },
} as const;
export type UsbOtgName = keyof typeof USB_OTG_INSTANCES;

/** Device endpoints per direction, 0..8 (RM0433 OTG features: 9 bidirectional endpoints including control endpoint 0). */
export const USB_OTG_ENDPOINTS = 9;

// GRSTCTL (RM0433 OTG_GRSTCTL): CSRST 0, RXFFLSH 4, TXFFLSH 5, TXFNUM 10:6, AHBIDL 31.
const GRSTCTL_CSRST = 1 << 0;
const GRSTCTL_RXFFLSH = 1 << 4;
const GRSTCTL_TXFFLSH = 1 << 5;
const GRSTCTL_AHBIDL = 1 << 31;
// GUSBCFG: FHMOD 29 (force host), FDMOD 30 (force device). GINTSTS.CMOD bit 0: 1 = host mode.
const GUSBCFG_FHMOD = 1 << 29;
// GINTSTS (RM0433 OTG_GINTSTS).
const GINTSTS_CMOD = 1 << 0;
const GINTSTS_SOF = 1 << 3;
const GINTSTS_RXFLVL = 1 << 4;
const GINTSTS_GINAKEFF = 1 << 6;
const GINTSTS_GONAKEFF = 1 << 7;
const GINTSTS_USBRST = 1 << 12;
const GINTSTS_ENUMDNE = 1 << 13;
const GINTSTS_IEPINT = 1 << 18;
const GINTSTS_OEPINT = 1 << 19;
/** GINTSTS bits that are status, not write-1-to-clear interrupts (CMOD, RXFLVL, NPTXFE, GINAKEFF, BOUTNAKEFF, IEPINT, OEPINT, HPRTINT, HCINT, PTXFE). */
const GINTSTS_READ_ONLY = 0x0740_00f1 | GINTSTS_CMOD;
/** GINTSTS bits computed from other state at read time, never stored. */
const GINTSTS_COMPUTED = GINTSTS_CMOD | GINTSTS_RXFLVL | GINTSTS_GINAKEFF | GINTSTS_GONAKEFF | GINTSTS_IEPINT | GINTSTS_OEPINT;
// GAHBCFG: GINT 0, DMAEN 5, TXFELVL 7 (0: TXFE at half empty, 1: at completely empty).
const GAHBCFG_GINT = 1 << 0;
const GAHBCFG_DMAEN = 1 << 5;
const GAHBCFG_TXFELVL = 1 << 7;
// GCCFG.PWRDWN 16: the embedded full-speed transceiver is on.
const GCCFG_PWRDWN = 1 << 16;
// DCTL: SDIS 1, GINSTS 2, GONSTS 3 (read-only), SGINAK 7, CGINAK 8, SGONAK 9, CGONAK 10 (write-only).
const DCTL_SDIS = 1 << 1;
const DCTL_GINSTS = 1 << 2;
const DCTL_GONSTS = 1 << 3;
const DCTL_SGINAK = 1 << 7;
const DCTL_CGINAK = 1 << 8;
const DCTL_SGONAK = 1 << 9;
const DCTL_CGONAK = 1 << 10;
const DCTL_WRITE_ONLY = DCTL_SGINAK | DCTL_CGINAK | DCTL_SGONAK | DCTL_CGONAK | (1 << 11); // and POPRGDNE
// DxEPCTL: MPSIZ 10:0, NAKSTS 17 (ro), EPTYP 19:18, STALL 21, TXFNUM 25:22, CNAK 26, SNAK 27, SD0PID 28, SODDFRM 29 (wo), EPDIS 30, EPENA 31.
const EPCTL_NAKSTS = 1 << 17;
const EPCTL_STALL = 1 << 21;
const EPCTL_CNAK = 1 << 26;
const EPCTL_SNAK = 1 << 27;
const EPCTL_EPDIS = 1 << 30;
const EPCTL_EPENA = 1 << 31;
const EPCTL_WRITE_ONLY = EPCTL_CNAK | EPCTL_SNAK | (1 << 28) | (1 << 29);
// DIEPINT / DOEPINT bits.
const EPINT_XFRC = 1 << 0;
const EPINT_EPDISD = 1 << 1;
const DOEPINT_STUP = 1 << 3;
const DIEPINT_TXFE = 1 << 7;
// DxEPTSIZ: XFRSIZ 18:0, PKTCNT 28:19; DOEPTSIZ0.STUPCNT 30:29.
const TSIZ_XFRSIZ = 0x7_ffff;
const TSIZ_PKTCNT_SHIFT = 19;
const TSIZ_PKTCNT = 0x3ff << TSIZ_PKTCNT_SHIFT;
// GRXSTSR/GRXSTSP packet status (RM0433 "Device mode" GRXSTSP.PKTSTS): 2 OUT data, 3 OUT complete, 4 SETUP complete, 6 SETUP data.
export const RXSTS_OUT_DATA = 2;
export const RXSTS_OUT_COMPLETE = 3;
export const RXSTS_SETUP_COMPLETE = 4;
export const RXSTS_SETUP_DATA = 6;
/** DSTS.ENUMSPD after enumeration on the embedded PHY: 3 = full speed (48 MHz PHY clock). */
const ENUMSPD_FULL_SPEED_48 = 3;

/** Start of the data FIFO windows (RM0433: endpoint FIFOs at +0x1000 per endpoint, DFIFO up to +0x20000). */
const FIFO_START = 0x1000;
/** One FIFO window per endpoint FIFO: 0x1000 bytes each, endpoints 0..8. */
const FIFO_END = FIFO_START + USB_OTG_ENDPOINTS * 0x1000;
/** Reset values the SVD gets wrong or does not have (RM0433 OTG register descriptions). */
const GRSTCTL_RESET = GRSTCTL_AHBIDL; // 0x8000_0000: the AHB master is idle after reset
const DCFG_RESET = 0x0220_0000;
const DCTL_RESET = DCTL_SDIS; // soft disconnect until the firmware connects
const DSTS_RESET = 0x0000_0010;
/**
 * Synopsys core release in GSNPSID. [GAP] RM0433 does not list the value; ST's HAL only compares it
 * with release 3.00a (0x4F54_300A) to enable later-core workarounds; 3.30a (0x4F54_330A) is assumed.
 */
const GSNPSID_VALUE = 0x4f54_330a;

/** What a device endpoint answers to a host token. */
export type UsbHandshake = 'ack' | 'nak' | 'stall';
/** The answer to an IN token: a data packet, or a NAK or STALL handshake. */
export type UsbInResult = { readonly handshake: 'ack'; readonly data: Uint8Array } | { readonly handshake: 'nak' | 'stall' };

/** A USB host attached to a device-mode core: told when the device pulls up D+ (connects) or lets go. */
export interface UsbHostPort {
  connectionChanged(connected: boolean): void;
}

interface RxEntry {
  status: number;
  words: number[];
}

/**
 * A USB OTG core (RM0433 USB OTG chapter) in device mode, slave (non-DMA) mode, for ST's PCD driver.
 *
 * Register side: GRSTCTL reports the AHB master idle and completes core reset and FIFO flushes at once;
 * GINTSTS.CMOD follows the forced mode; RXFLVL, IEPINT and OEPINT are computed from the receive FIFO
 * and the endpoint interrupt registers (DAINT bit n = DIEPINTn & DIEPMSK, with TXFE gated by
 * DIEPEMPMSK bit n; OUT likewise with DOEPMSK). The receive FIFO holds status entries with their data
 * words, read through GRXSTSR/GRXSTSP and popped from any FIFO window; each IN endpoint has a transmit
 * FIFO (window 0x1000·(n + 1)) whose depth comes from DIEPTXF0/DIEPTXFn and whose free space reads in
 * DTXFSTSn. OUT transfer complete (XFRC) and SETUP done (STUP) are raised when the firmware pops the
 * matching "complete" status entry, as RM0433 describes.
 *
 * Bus side ({@link busReset}, {@link setup}, {@link out}, {@link in}, {@link startOfFrame}): called by a
 * simulated host (UsbPcHost) at clock events. An endpoint answers NAK unless EPENA is set and NAKSTS
 * clear; an IN endpoint also NAKs while its FIFO holds less than the next packet. DATA0/DATA1 toggles,
 * CRC and bus errors are not modelled, nor suspend/resume, LPM, isochronous endpoints or host mode
 * traffic. DMA mode (GAHBCFG.DMAEN) is reported as unmodelled.
 */
export class UsbOtg extends RegisterBlock {
  readonly irq: number;
  private host: UsbHostPort | null = null;
  private connected = false;
  private readonly rxFifo: RxEntry[] = [];
  /** Data words of the entry last popped with GRXSTSP, read from the FIFO window. */
  private rxWords: number[] = [];
  private rxWordIndex = 0;
  private readonly txFifos: number[][] = Array.from({ length: USB_OTG_ENDPOINTS }, () => []);

  constructor(context: SocContext, name: UsbOtgName) {
    const spec = USB_OTG_INSTANCES[name];
    super(name, spec.base, 0x4_0000, context, spec.svd);
    this.irq = spec.irq;
    this.regs[OTG.GRSTCTL >>> 2] = GRSTCTL_RESET;
    this.regs[OTG.DCFG >>> 2] = DCFG_RESET;
    this.regs[OTG.DCTL >>> 2] = DCTL_RESET;
    this.regs[OTG.DSTS >>> 2] = DSTS_RESET;
    // Global registers: behaviour below or plain storage (FIFO sizes, PHY and OTG control).
    this.stored(OTG.GOTGCTL, OTG.GOTGINT, OTG.GAHBCFG, OTG.GUSBCFG, OTG.GRSTCTL, OTG.GINTSTS, OTG.GINTMSK, OTG.GRXSTSR, OTG.GRXSTSP);
    this.stored(OTG.GRXFSIZ, OTG.DIEPTXF0, OTG.GNPTXSTS, OTG.GCCFG, OTG.CID, OTG.GSNPSID, OTG.GLPMCFG, OTG.HPTXFSIZ);
    // DIEPTXF1..8; ST's HAL clears 15 (DIEPTXF1..15) at init, the last 7 being reserved on this core: storage too.
    this.storedRange(OTG.DIEPTXF1, OTG.DIEPTXF1 + 4 * 14);
    // Host-mode registers (host config, port, channels): storage only, no host-mode traffic.
    this.storedRange(0x400, 0x7fc);
    // Device registers: behaviour below, or storage for settings with no effect here (VBUS pulsing, DMA thresholds).
    this.stored(OTG.DCFG, OTG.DCTL, OTG.DSTS, OTG.DIEPMSK, OTG.DOEPMSK, OTG.DAINT, OTG.DAINTMSK, OTG.DVBUSDIS, OTG.DVBUSPULSE, OTG.DTHRCTL);
    this.stored(OTG.DIEPEMPMSK, OTG.DEACHINT, OTG.DEACHINTMSK, OTG.PCGCCTL);
    for (let n = 0; n < USB_OTG_ENDPOINTS; n++) {
      this.stored(diepctl(n), diepint(n), dieptsiz(n), diepctl(n) + 0x14, dtxfsts(n));
      this.stored(doepctl(n), doepint(n), doeptsiz(n), doepctl(n) + 0x14);
    }
    // Registers change only by writes, FIFO accesses (counted) or bus events at clock events. Not GRXSTSP (a status pop) nor the FIFOs.
    this.eventStableRange(0, OTG.GRXSTSP - 4);
    this.eventStableRange(OTG.GRXSTSP + 4, FIFO_START - 4);
  }

  /** The core is in host mode: forced by GUSBCFG.FHMOD (no ID pin is modelled, so device mode otherwise). */
  get hostMode(): boolean {
    return (this.regs[OTG.GUSBCFG >>> 2] & GUSBCFG_FHMOD) !== 0;
  }

  /** The device's pull-up is on: device mode, transceiver powered (GCCFG.PWRDWN) and DCTL.SDIS clear. */
  get pullUp(): boolean {
    return !this.hostMode && (this.regs[OTG.GCCFG >>> 2] & GCCFG_PWRDWN) !== 0 && (this.regs[OTG.DCTL >>> 2] & DCTL_SDIS) === 0;
  }

  /** The address the firmware gave the device (DCFG.DAD). */
  get deviceAddress(): number {
    return (this.regs[OTG.DCFG >>> 2] >>> 4) & 0x7f;
  }

  /** Attaches a host to the core's port; it is told at once if the device is already connected. */
  attachHost(host: UsbHostPort): void {
    this.host = host;
    this.connected = false;
    this.updateConnection();
  }

  protected override onReset(): void {
    this.rxFifo.length = 0;
    this.rxWords = [];
    this.rxWordIndex = 0;
    for (const f of this.txFifos) f.length = 0;
    this.context.setIrq(this.irq, false);
    this.updateConnection();
  }

  // ---- bus side: called by the attached host ----

  /** The host drives a USB reset (SE0 ≥ 10 ms): GINTSTS.USBRST. */
  busReset(): void {
    this.regs[OTG.GINTSTS >>> 2] |= GINTSTS_USBRST;
    this.updateIrq();
  }

  /** End of the reset: speed enumeration done at full speed (GINTSTS.ENUMDNE, DSTS.ENUMSPD = 3). */
  resetDone(): void {
    const dsts = this.regs[OTG.DSTS >>> 2];
    this.regs[OTG.DSTS >>> 2] = ((dsts & ~0x7) | (ENUMSPD_FULL_SPEED_48 << 1)) >>> 0;
    this.regs[OTG.GINTSTS >>> 2] |= GINTSTS_ENUMDNE;
    this.updateIrq();
  }

  /** A start-of-frame token: DSTS.FNSOF and GINTSTS.SOF. */
  startOfFrame(frame: number): void {
    const dsts = this.regs[OTG.DSTS >>> 2];
    this.regs[OTG.DSTS >>> 2] = ((dsts & ~(0x3fff << 8)) | ((frame & 0x3fff) << 8)) >>> 0;
    this.regs[OTG.GINTSTS >>> 2] |= GINTSTS_SOF;
    this.updateIrq();
  }

  /** A SETUP transaction to endpoint `ep` (8 bytes): always acknowledged (USB 2.0 §8.5.3). */
  setup(ep: number, packet: Uint8Array): UsbHandshake {
    // A SETUP token clears a control endpoint's STALL in both directions (RM0433 OTG_DIEPCTL0/DOEPCTL0.STALL).
    this.regs[diepctl(ep) >>> 2] &= ~EPCTL_STALL;
    this.regs[doepctl(ep) >>> 2] &= ~EPCTL_STALL;
    const tsiz = doeptsiz(ep) >>> 2;
    const stupcnt = (this.regs[tsiz] >>> 29) & 3;
    if (stupcnt > 0) this.regs[tsiz] = ((this.regs[tsiz] & ~(3 << 29)) | ((stupcnt - 1) << 29)) >>> 0;
    this.rxFifo.push({ status: rxStatus(ep, RXSTS_SETUP_DATA, 8), words: toWords(packet) });
    this.rxFifo.push({ status: rxStatus(ep, RXSTS_SETUP_COMPLETE, 0), words: [] });
    this.updateIrq();
    return 'ack';
  }

  /** An OUT transaction with `data` (at most the endpoint's max packet size). */
  out(ep: number, data: Uint8Array): UsbHandshake {
    const ctl = doepctl(ep) >>> 2;
    if (this.regs[ctl] & EPCTL_STALL) return 'stall';
    if ((this.regs[ctl] & EPCTL_EPENA) === 0 || (this.regs[ctl] & EPCTL_NAKSTS) !== 0) return 'nak';
    const tsiz = doeptsiz(ep) >>> 2;
    const size = this.regs[tsiz] & TSIZ_XFRSIZ;
    const pktcnt = (this.regs[tsiz] & TSIZ_PKTCNT) >>> TSIZ_PKTCNT_SHIFT;
    const mps = maxPacketSize(ep, this.regs[ctl]);
    this.rxFifo.push({ status: rxStatus(ep, RXSTS_OUT_DATA, data.length), words: toWords(data) });
    const left = Math.max(0, size - data.length);
    const packetsLeft = Math.max(0, pktcnt - 1);
    this.regs[tsiz] = ((this.regs[tsiz] & ~(TSIZ_XFRSIZ | TSIZ_PKTCNT)) | left | (packetsLeft << TSIZ_PKTCNT_SHIFT)) >>> 0;
    if (packetsLeft === 0 || data.length < mps) {
      // Transfer complete: the endpoint is disabled and NAKs until re-armed; XFRC follows the pop of this entry.
      this.regs[ctl] = ((this.regs[ctl] & ~EPCTL_EPENA) | EPCTL_NAKSTS) >>> 0;
      this.rxFifo.push({ status: rxStatus(ep, RXSTS_OUT_COMPLETE, 0), words: [] });
    }
    this.updateIrq();
    return 'ack';
  }

  /** An IN token: the next packet from the endpoint's transmit FIFO, or NAK / STALL. */
  in(ep: number): UsbInResult {
    const ctl = diepctl(ep) >>> 2;
    if (this.regs[ctl] & EPCTL_STALL) return { handshake: 'stall' };
    if ((this.regs[ctl] & EPCTL_EPENA) === 0 || (this.regs[ctl] & EPCTL_NAKSTS) !== 0) return { handshake: 'nak' };
    const tsiz = dieptsiz(ep) >>> 2;
    const size = this.regs[tsiz] & TSIZ_XFRSIZ;
    const pktcnt = (this.regs[tsiz] & TSIZ_PKTCNT) >>> TSIZ_PKTCNT_SHIFT;
    if (pktcnt === 0) return { handshake: 'nak' };
    const length = Math.min(size, maxPacketSize(ep, this.regs[ctl]));
    const fifo = this.txFifos[this.txFifoOf(ep)];
    const words = (length + 3) >>> 2;
    if (fifo.length < words) return { handshake: 'nak' }; // the firmware has not written the whole packet yet
    const data = new Uint8Array(length);
    for (let i = 0; i < words; i++) {
      const w = fifo.shift()!;
      for (let b = 0; b < 4 && 4 * i + b < length; b++) data[4 * i + b] = (w >>> (8 * b)) & 0xff;
    }
    const packetsLeft = pktcnt - 1;
    this.regs[tsiz] = ((this.regs[tsiz] & ~(TSIZ_XFRSIZ | TSIZ_PKTCNT)) | (size - length) | (packetsLeft << TSIZ_PKTCNT_SHIFT)) >>> 0;
    if (packetsLeft === 0) {
      this.regs[ctl] &= ~EPCTL_EPENA;
      this.regs[diepint(ep) >>> 2] |= EPINT_XFRC;
    }
    this.updateIrq();
    return { handshake: 'ack', data };
  }

  // ---- register side ----

  private txFifoOf(ep: number): number {
    // Dedicated transmit FIFOs: endpoint 0 uses FIFO 0; others the FIFO DIEPCTLn.TXFNUM names (ST's HAL sets TXFNUM = n).
    return ep === 0 ? 0 : (this.regs[diepctl(ep) >>> 2] >>> 22) & 0xf;
  }

  /** Depth of transmit FIFO n in words: DIEPTXF0.TX0FD or DIEPTXFn.INEPTXFD. */
  private txFifoDepth(n: number): number {
    const reg = n === 0 ? OTG.DIEPTXF0 : OTG.DIEPTXF1 + 4 * (n - 1);
    return this.regs[reg >>> 2] >>> 16;
  }

  private txFifoFree(n: number): number {
    return Math.max(0, this.txFifoDepth(n) - this.txFifos[n].length);
  }

  /** DIEPINTn with TXFE computed: the FIFO is half empty (GAHBCFG.TXFELVL = 0) or completely empty (1). */
  private inEndpointInterrupts(ep: number): number {
    const n = this.txFifoOf(ep);
    const used = n < USB_OTG_ENDPOINTS ? this.txFifos[n].length : 0;
    const empty = (this.regs[OTG.GAHBCFG >>> 2] & GAHBCFG_TXFELVL) !== 0 ? used === 0 : 2 * used <= this.txFifoDepth(n);
    return ((this.regs[diepint(ep) >>> 2] & ~DIEPINT_TXFE) | (empty ? DIEPINT_TXFE : 0)) >>> 0;
  }

  /** DAINT: bit n an unmasked IN endpoint n interrupt (TXFE gated by DIEPEMPMSK), bit 16 + n the same for OUT. */
  private daint(): number {
    const diepmsk = this.regs[OTG.DIEPMSK >>> 2];
    const doepmsk = this.regs[OTG.DOEPMSK >>> 2];
    const empmsk = this.regs[OTG.DIEPEMPMSK >>> 2];
    let bits = 0;
    for (let n = 0; n < USB_OTG_ENDPOINTS; n++) {
      const inMask = (diepmsk & ~DIEPINT_TXFE) | ((empmsk >>> n) & 1 ? DIEPINT_TXFE : 0);
      if (this.inEndpointInterrupts(n) & inMask) bits |= 1 << n;
      if (this.regs[doepint(n) >>> 2] & doepmsk) bits |= 1 << (16 + n);
    }
    return bits >>> 0;
  }

  private gintsts(): number {
    const dctl = this.regs[OTG.DCTL >>> 2];
    const pending = this.daint() & this.regs[OTG.DAINTMSK >>> 2];
    let v = this.regs[OTG.GINTSTS >>> 2] & ~GINTSTS_COMPUTED;
    if (this.hostMode) v |= GINTSTS_CMOD;
    if (this.rxFifo.length > 0) v |= GINTSTS_RXFLVL;
    if (dctl & DCTL_GINSTS) v |= GINTSTS_GINAKEFF;
    if (dctl & DCTL_GONSTS) v |= GINTSTS_GONAKEFF;
    if (pending & 0xffff) v |= GINTSTS_IEPINT;
    if (pending >>> 16) v |= GINTSTS_OEPINT;
    return v >>> 0;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset >= FIFO_START) return offset < FIFO_END ? this.popRxWord() : 0;
    if (offset >= 0x900 && offset < 0x900 + 0x20 * USB_OTG_ENDPOINTS) {
      const n = (offset - 0x900) >>> 5;
      if (offset === diepint(n)) return this.inEndpointInterrupts(n);
      if (offset === dtxfsts(n)) return this.txFifoFree(this.txFifoOf(n));
      return undefined;
    }
    switch (offset) {
      case OTG.GRSTCTL:
        return (this.regs[OTG.GRSTCTL >>> 2] | GRSTCTL_AHBIDL) >>> 0;
      case OTG.GINTSTS:
        return this.gintsts();
      case OTG.GSNPSID:
        return GSNPSID_VALUE;
      case OTG.GRXSTSR:
        return this.rxFifo.length > 0 ? this.rxFifo[0].status : 0;
      case OTG.GRXSTSP:
        return this.popRxStatus();
      case OTG.DAINT:
        return this.daint();
      default:
        return undefined;
    }
  }

  private popRxStatus(): number {
    const entry = this.rxFifo.shift();
    if (entry === undefined) return 0;
    this.rxWords = entry.words;
    this.rxWordIndex = 0;
    const ep = entry.status & 0xf;
    const pktsts = (entry.status >>> 17) & 0xf;
    if (pktsts === RXSTS_OUT_COMPLETE) this.regs[doepint(ep) >>> 2] |= EPINT_XFRC;
    else if (pktsts === RXSTS_SETUP_COMPLETE) this.regs[doepint(ep) >>> 2] |= DOEPINT_STUP;
    this.updateIrq();
    return entry.status;
  }

  private popRxWord(): number {
    return this.rxWordIndex < this.rxWords.length ? this.rxWords[this.rxWordIndex++] : 0;
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (offset >= FIFO_START) {
      if (offset < FIFO_END) {
        const n = (offset - FIFO_START) >>> 12;
        // [GAP] A write to a full FIFO is dropped (the hardware behaviour is undefined).
        if (this.txFifos[n].length < this.txFifoDepth(n)) this.txFifos[n].push(value >>> 0);
        this.updateIrq();
      }
      return true;
    }
    if (offset >= 0x900 && offset < 0xb00 + 0x20 * USB_OTG_ENDPOINTS) return this.writeEndpoint(offset, value);
    switch (offset) {
      case OTG.GRSTCTL:
        if (value & GRSTCTL_RXFFLSH) this.rxFifo.length = 0;
        if (value & GRSTCTL_TXFFLSH) {
          const num = (value >>> 6) & 0x1f;
          this.txFifos.forEach((f, i) => {
            if (num === 0x10 || num === i) f.length = 0;
          });
        }
        // Core soft reset and FIFO flushes complete immediately: the self-clearing bits read 0 again.
        this.regs[OTG.GRSTCTL >>> 2] = value & ~(GRSTCTL_CSRST | GRSTCTL_RXFFLSH | GRSTCTL_TXFFLSH | GRSTCTL_AHBIDL) & 0x7fff_ffff;
        this.updateIrq();
        return true;
      case OTG.GINTSTS:
        // rc_w1 interrupt flags; status bits are read-only.
        this.regs[OTG.GINTSTS >>> 2] &= ~(value & ~GINTSTS_READ_ONLY);
        this.updateIrq();
        return true;
      case OTG.GAHBCFG:
        if (value & GAHBCFG_DMAEN) this.context.unmodelled(this.name, OTG.GAHBCFG, true, value); // DMA mode: not modelled
        this.regs[offset >>> 2] = value;
        this.updateIrq();
        return true;
      case OTG.GINTMSK:
      case OTG.DIEPMSK:
      case OTG.DOEPMSK:
      case OTG.DAINTMSK:
      case OTG.DIEPEMPMSK:
      case OTG.DIEPTXF0:
        this.regs[offset >>> 2] = value;
        this.updateIrq();
        return true;
      case OTG.GUSBCFG:
      case OTG.GCCFG:
        this.regs[offset >>> 2] = value;
        this.updateConnection();
        this.updateIrq();
        return true;
      case OTG.DCTL: {
        let v = (this.regs[OTG.DCTL >>> 2] & (DCTL_GINSTS | DCTL_GONSTS)) | (value & ~(DCTL_WRITE_ONLY | DCTL_GINSTS | DCTL_GONSTS));
        if (value & DCTL_SGINAK) v |= DCTL_GINSTS;
        if (value & DCTL_CGINAK) v &= ~DCTL_GINSTS;
        if (value & DCTL_SGONAK) v |= DCTL_GONSTS;
        if (value & DCTL_CGONAK) v &= ~DCTL_GONSTS;
        this.regs[OTG.DCTL >>> 2] = v >>> 0;
        this.updateConnection();
        this.updateIrq();
        return true;
      }
      case OTG.DAINT:
      case OTG.DSTS:
      case OTG.GRXSTSR:
      case OTG.GRXSTSP:
      case OTG.GSNPSID:
        return true; // read-only
      default:
        return false;
    }
  }

  private writeEndpoint(offset: number, value: number): boolean {
    const isIn = offset < 0xb00;
    const rel = offset - (isIn ? 0x900 : 0xb00);
    const n = rel >>> 5;
    if (n >= USB_OTG_ENDPOINTS) return false;
    const reg = rel & 0x1f;
    const i = offset >>> 2;
    if (reg === 0x00) {
      // DxEPCTL: EPENA is set-only (cleared by the core); EPDIS disables an enabled endpoint (EPDISD); CNAK/SNAK set NAKSTS.
      const old = this.regs[i];
      let v = (value & ~(EPCTL_WRITE_ONLY | EPCTL_NAKSTS | EPCTL_EPENA | EPCTL_EPDIS)) | (old & (EPCTL_NAKSTS | EPCTL_EPENA));
      if (value & EPCTL_EPENA) v |= EPCTL_EPENA;
      if (value & EPCTL_CNAK) v &= ~EPCTL_NAKSTS;
      if (value & EPCTL_SNAK) v |= EPCTL_NAKSTS;
      if (value & EPCTL_EPDIS && old & EPCTL_EPENA) {
        v &= ~EPCTL_EPENA;
        this.regs[(offset + 8) >>> 2] |= EPINT_EPDISD;
      }
      this.regs[i] = v >>> 0;
    } else if (reg === 0x08) {
      this.regs[i] &= ~(value & ~(isIn ? DIEPINT_TXFE : 0)); // rc_w1; TXFE is status
    } else if (reg === 0x18 && isIn) {
      return true; // DTXFSTS: read-only
    } else {
      this.regs[i] = value; // TSIZ, DMA address
    }
    this.updateIrq();
    return true;
  }

  private updateConnection(): void {
    const now = this.pullUp;
    if (now === this.connected) return;
    this.connected = now;
    this.host?.connectionChanged(now);
  }

  private updateIrq(): void {
    const pending = (this.gintsts() & this.regs[OTG.GINTMSK >>> 2]) !== 0 && (this.regs[OTG.GAHBCFG >>> 2] & GAHBCFG_GINT) !== 0;
    this.context.setIrq(this.irq, pending);
  }
}

/** GRXSTSP layout (device mode): EPNUM 3:0, BCNT 14:4, DPID 16:15, PKTSTS 20:17. */
function rxStatus(ep: number, pktsts: number, bcnt: number): number {
  return (ep | (bcnt << 4) | (pktsts << 17)) >>> 0;
}

function toWords(bytes: Uint8Array): number[] {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    let w = 0;
    for (let b = 0; b < 4 && i + b < bytes.length; b++) w |= bytes[i + b] << (8 * b);
    words.push(w >>> 0);
  }
  return words;
}

/** Max packet size from DxEPCTL.MPSIZ; endpoint 0 encodes it in 2 bits (0: 64, 1: 32, 2: 16, 3: 8 bytes). */
function maxPacketSize(ep: number, ctl: number): number {
  if (ep === 0) return [64, 32, 16, 8][ctl & 3];
  return ctl & 0x7ff || 64;
}
