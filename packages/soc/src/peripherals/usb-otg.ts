import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

/** Core global and device register offsets (RM0433 USB OTG chapter, "OTG_HS registers"). */
export const OTG = {
  GOTGCTL: 0x000,
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
  DCFG: 0x800,
  DCTL: 0x804,
  DSTS: 0x808,
  PCGCCTL: 0xe00,
} as const;

/** The two OTG cores of the STM32H750 (RM0433 memory map; interrupt vector table). */
export const USB_OTG_INSTANCES = {
  /** OTG1: the high-speed core (ULPI or its embedded full-speed PHY on PB14/PB15). */
  OTG1_HS: { base: 0x4004_0000, irq: 77, svd: 'OTG1_HS_GLOBAL' },
  /** OTG2: the full-speed core with its embedded PHY on PA11/PA12 (the Daisy Seed's micro-USB socket). */
  OTG2_FS: { base: 0x4008_0000, irq: 101, svd: 'OTG2_HS_GLOBAL' },
} as const;
export type UsbOtgName = keyof typeof USB_OTG_INSTANCES;

// GRSTCTL (RM0433 OTG_GRSTCTL): CSRST 0, RXFFLSH 4, TXFFLSH 5, AHBIDL 31.
const GRSTCTL_CSRST = 1 << 0;
const GRSTCTL_RXFFLSH = 1 << 4;
const GRSTCTL_TXFFLSH = 1 << 5;
const GRSTCTL_AHBIDL = 1 << 31;
// GUSBCFG: FHMOD 29 (force host), FDMOD 30 (force device). GINTSTS.CMOD bit 0: 1 = host mode.
const GUSBCFG_FHMOD = 1 << 29;
const GINTSTS_CMOD = 1 << 0;
/** GINTSTS bits that are status, not write-1-to-clear interrupts (CMOD, RXFLVL, NPTXFE, GINAKEFF, BOUTNAKEFF, IEPINT, OEPINT, HPRTINT, HCINT, PTXFE). */
const GINTSTS_READ_ONLY = 0x0740_00f1 | GINTSTS_CMOD;
// GAHBCFG.GINT: global interrupt enable.
const GAHBCFG_GINT = 1 << 0;
/** Start of the data FIFO windows (RM0433: endpoint FIFOs at +0x1000 per endpoint, DFIFO up to +0x20000). */
const FIFO_START = 0x1000;
/** Reset values the SVD gets wrong or does not have (RM0433 OTG register descriptions). */
const GRSTCTL_RESET = GRSTCTL_AHBIDL; // 0x8000_0000: the AHB master is idle after reset
const DCFG_RESET = 0x0220_0000;
const DSTS_RESET = 0x0000_0010;
/**
 * Synopsys core release in GSNPSID. [GAP] RM0433 does not list the value; ST's HAL only compares it
 * with release 3.00a (0x4F54_300A) to enable later-core workarounds; 3.30a (0x4F54_330A) is assumed.
 */
const GSNPSID_VALUE = 0x4f54_330a;

/**
 * A USB OTG core with no cable attached (RM0433 USB OTG chapter): enough of the core for ST's HAL
 * to reset it, choose device or host mode and set up endpoints and FIFOs without hanging, and then
 * to wait for a host that never comes. GRSTCTL reports the AHB master idle and completes core
 * reset and FIFO flushes at once; GINTSTS.CMOD follows the forced mode; every other register is
 * storage. No USB traffic, no bus events: the device never sees a reset, enumeration or SOF, so no
 * OTG interrupt fires. Writes to the data FIFOs are dropped, reads return 0.
 */
export class UsbOtg extends RegisterBlock {
  readonly irq: number;

  constructor(context: SocContext, name: UsbOtgName) {
    const spec = USB_OTG_INSTANCES[name];
    super(name, spec.base, 0x4_0000, context, spec.svd);
    this.irq = spec.irq;
    this.regs[OTG.GRSTCTL >>> 2] = GRSTCTL_RESET;
    this.regs[OTG.DCFG >>> 2] = DCFG_RESET;
    this.regs[OTG.DSTS >>> 2] = DSTS_RESET;
    // Everything below the FIFOs is plain storage unless handled below: endpoint control, FIFO sizes, PHY config.
    this.storedRange(0, FIFO_START - 4);
    // No bus events: the registers change only by writes. Not GRXSTSP (a status pop) nor the FIFOs.
    this.eventStableRange(0, OTG.GRXSTSP - 4);
    this.eventStableRange(OTG.GRXSTSP + 4, FIFO_START - 4);
  }

  /** The core is in host mode: forced by GUSBCFG.FHMOD (no ID pin is modelled, so device mode otherwise). */
  get hostMode(): boolean {
    return (this.regs[OTG.GUSBCFG >>> 2] & GUSBCFG_FHMOD) !== 0;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset >= FIFO_START) return 0;
    switch (offset) {
      case OTG.GRSTCTL:
        return (this.regs[OTG.GRSTCTL >>> 2] | GRSTCTL_AHBIDL) >>> 0;
      case OTG.GINTSTS:
        return ((this.regs[OTG.GINTSTS >>> 2] & ~GINTSTS_CMOD) | (this.hostMode ? GINTSTS_CMOD : 0)) >>> 0;
      case OTG.GSNPSID:
        return GSNPSID_VALUE;
      case OTG.GRXSTSP:
        return 0; // nothing received
      default:
        return undefined;
    }
  }

  protected override writeRegister(offset: number, value: number): boolean {
    if (offset >= FIFO_START) return true; // a packet for a host that is not there
    switch (offset) {
      case OTG.GRSTCTL:
        // Core soft reset and FIFO flushes complete immediately: the self-clearing bits read 0 again.
        this.regs[OTG.GRSTCTL >>> 2] = value & ~(GRSTCTL_CSRST | GRSTCTL_RXFFLSH | GRSTCTL_TXFFLSH | GRSTCTL_AHBIDL) & 0x7fff_ffff;
        return true;
      case OTG.GINTSTS:
        // rc_w1 interrupt flags; status bits are read-only.
        this.regs[OTG.GINTSTS >>> 2] &= ~(value & ~GINTSTS_READ_ONLY);
        this.updateIrq();
        return true;
      case OTG.GINTMSK:
      case OTG.GAHBCFG:
        this.regs[offset >>> 2] = value;
        this.updateIrq();
        return true;
      case OTG.GSNPSID:
        return true; // read-only
      default:
        return false;
    }
  }

  private updateIrq(): void {
    const pending = (this.regs[OTG.GINTSTS >>> 2] & this.regs[OTG.GINTMSK >>> 2]) !== 0 && (this.regs[OTG.GAHBCFG >>> 2] & GAHBCFG_GINT) !== 0;
    this.context.setIrq(this.irq, pending);
  }
}
