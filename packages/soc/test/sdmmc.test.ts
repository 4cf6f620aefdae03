import { describe, expect, it } from 'vitest';
import { RCC, RCC_BASE, SDMMC, SDMMC_STA, SdCard, Sdmmc, SystemBus, busAsDmaPort, crc7, sdmmcClocksFrom, Rcc } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

const BASE = 0x5200_7000;
const AXI_SRAM = 0x2400_0000;
const DTCM = 0x2000_0000;
const S = SDMMC_STA;

// SDMMC_CMDR (RM0433): CMDINDEX 5:0, CMDTRANS 6, CMDSTOP 7, WAITRESP 9:8 (00 none, 01 short, 10 short
// without CRC check, 11 long), CPSMEN 12. DCTRL: DTEN 0, DTDIR 1 (1 = card to host), DBLOCKSIZE 7:4.
const CMDTRANS = 1 << 6;
const CMDSTOP = 1 << 7;
const SHORT = 1 << 8;
const LONG = 3 << 8;
const CPSMEN = 1 << 12;
const DTEN = 1 << 0;
const DTDIR = 1 << 1;
const blockSizeBits = (log2: number) => log2 << 4;
/** CLKCR.WIDBUS = 01: 4-bit bus. */
const WIDBUS_4 = 1 << 14;

/** SD spec OCR: busy/ready bit 31, CCS 30; ACMD41 argument as the HAL sends it: HCS, S18R and 3.2–3.4 V. */
const OCR_READY = 1 << 31;
const OCR_CCS = 1 << 30;
const ACMD41_ARG = 0xc110_0000;
/** Card status CURRENT_STATE (bits 12:9) values from the SD spec. */
const state = (r1: number) => (r1 >>> 9) & 0xf;
const TRAN = 4;
const PRG = 7;
const APP_CMD = 1 << 5;

/**
 * libDaisy's clocks (libdaisy-clocks.ts): D1CCIPR.SDMMCSEL = 1 → sdmmc_ker_ck = pll2_r_ck = 200 MHz, CPU 400 MHz.
 * The HAL's identification clock: ClockDiv = 200 MHz / (2 × 400 kHz) = 250 → SDMMC_CK = 400 kHz, so one
 * SDMMC_CK period is 1000 CPU cycles. Data runs at CLKDIV = 2: 50 MHz, 8 CPU cycles per period.
 */
const INIT_DIV = 250;
const INIT_PERIOD = 1000;
const FAST_DIV = 2;
const FAST_PERIOD = 8;

function sector(n: number, image: Uint8Array): Uint8Array {
  return image.subarray(n * 512, (n + 1) * 512);
}

/** A 4 MiB card image whose sectors hold a recognisable pattern (byte i of sector n = (n * 7 + i) & 0xff). */
function patternImage(bytes = 4 * 1024 * 1024): Uint8Array {
  const img = new Uint8Array(bytes);
  for (let i = 0; i < img.length; i++) img[i] = ((i >>> 9) * 7 + (i & 511)) & 0xff;
  return img;
}

function setup(image: Uint8Array | null = patternImage()) {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  const rcc = new Rcc(ctx);
  bus.mapDevice(rcc);
  programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
  const sdmmc = new Sdmmc(ctx, sdmmcClocksFrom(rcc), busAsDmaPort(bus));
  bus.mapDevice(sdmmc);
  const card = image ? new SdCard(image) : null;
  sdmmc.insert(card);
  const r = (o: number) => bus.read32(BASE + o);
  const w = (o: number, v: number) => bus.write32(BASE + o, v);
  /** Runs clock events until `done` holds (fails if nothing is scheduled any more). */
  const runUntil = (done: () => boolean) => {
    for (let i = 0; i < 100_000 && !done(); i++) {
      if (ctx.clock.nextEventAt === Infinity) throw new Error('nothing scheduled and the condition does not hold');
      ctx.advanceTo(ctx.clock.nextEventAt);
    }
    return ctx.clock.cycles;
  };
  /** A CPU polling loop: `done` is evaluated every `step` cycles (events due in between run first). */
  const poll = (done: () => boolean, step = 40) => {
    for (let i = 0; i < 10_000_000 && !done(); i++) ctx.advanceTo(ctx.clock.cycles + step);
    return ctx.clock.cycles;
  };
  /** SDMMC_SendCommand + the HAL's SDMMC_GetCmdRespX wait: a flag among CMDREND/CCRCFAIL/CTIMEOUT/CMDSENT, CPSMACT clear. */
  const command = (index: number, arg: number, bits: number) => {
    const start = ctx.clock.cycles;
    w(SDMMC.ARGR, arg);
    w(SDMMC.CMDR, index | bits | CPSMEN);
    const end = runUntil(() => (r(SDMMC.STAR) & (S.CMDREND | S.CCRCFAIL | S.CTIMEOUT | S.CMDSENT)) !== 0 && (r(SDMMC.STAR) & S.CPSMACT) === 0);
    const sta = r(SDMMC.STAR);
    w(SDMMC.ICR, 0x0020_00c5); // the HAL clears CCRCFAIL, CTIMEOUT, CMDREND, CMDSENT, BUSYD0END
    return { sta, cycles: end - start, resp1: r(SDMMC.RESP1), respcmd: r(SDMMC.RESPCMDR) };
  };
  /** HAL_SD_InitCard at 400 kHz, 1-bit: power on, CMD0, CMD8, ACMD41 until ready, CMD2, CMD3, CMD9, CMD7. */
  const identify = () => {
    w(SDMMC.CLKCR, INIT_DIV);
    w(SDMMC.POWER, 3);
    command(0, 0, 0);
    command(8, 0x1aa, SHORT);
    let ocr = 0;
    for (let i = 0; i < 10 && !(ocr & OCR_READY); i++) {
      command(55, 0, SHORT);
      ocr = command(41, ACMD41_ARG, SHORT).resp1;
    }
    command(2, 0, LONG);
    const rca = command(3, 0, SHORT).resp1 >>> 16;
    command(9, rca << 16, LONG);
    const csd = [r(SDMMC.RESP1), r(SDMMC.RESP2), r(SDMMC.RESP3), r(SDMMC.RESP4)];
    command(7, rca << 16, SHORT);
    return { rca, csd };
  };
  /** After identification: ACMD6(2) and WIDBUS = 4 bits, CLKDIV = 2 (50 MHz), CMD16(512). */
  const fastBus = (rca: number) => {
    command(55, rca << 16, SHORT);
    command(6, 2, SHORT);
    w(SDMMC.CLKCR, FAST_DIV | WIDBUS_4);
    command(16, 512, SHORT);
  };
  /** HAL_SD_ReadBlocks_DMA / WriteBlocks_DMA set-up, then the command (CMD17/18/24/25) with CMDTRANS. */
  const idmaCommand = (index: number, block: number, count: number, address: number, receive: boolean) => {
    w(SDMMC.DCTRL, 0);
    w(SDMMC.DTIMER, 0xffff_ffff);
    w(SDMMC.DLENR, 512 * count);
    w(SDMMC.DCTRL, blockSizeBits(9) | (receive ? DTDIR : 0));
    w(SDMMC.CMDR, r(SDMMC.CMDR) | CMDTRANS);
    w(SDMMC.IDMABASE0R, address);
    w(SDMMC.IDMACTRLR, 1);
    return command(index, block, SHORT | CMDTRANS);
  };
  /** The HAL's DATAEND handling for IDMA: clear CMDTRANS, DLEN, DCTRL, IDMACTRL; CMD12 with CMDSTOP after multi-block. */
  const endIdma = (multi: boolean) => {
    w(SDMMC.ICR, S.DATAEND);
    w(SDMMC.CMDR, r(SDMMC.CMDR) & ~CMDTRANS);
    w(SDMMC.DLENR, 0);
    w(SDMMC.DCTRL, 0);
    w(SDMMC.IDMACTRLR, 0);
    if (!multi) return null;
    w(SDMMC.CMDR, r(SDMMC.CMDR) | CMDSTOP);
    const stop = command(12, 0, SHORT | CMDSTOP);
    w(SDMMC.CMDR, r(SDMMC.CMDR) & ~CMDSTOP);
    return stop;
  };
  return { ctx, bus, sdmmc, card, r, w, runUntil, poll, command, identify, fastBus, idmaCommand, endIdma };
}

describe('CRC7 (SD spec, "CRC7")', () => {
  it('gives the well-known CRC fields of CMD0 (0x95) and CMD8 with 0x1AA (0x87)', () => {
    expect((crc7(Uint8Array.of(0x40, 0, 0, 0, 0)) << 1) | 1).toBe(0x95);
    expect((crc7(Uint8Array.of(0x48, 0, 0, 1, 0xaa)) << 1) | 1).toBe(0x87);
  });
});

describe('SDMMC1 command path (RM0433 SDMMC chapter)', () => {
  it('resets with STAR = 0 and nothing reported', () => {
    const s = setup();
    expect(s.r(SDMMC.STAR)).toBe(0);
    expect(s.r(SDMMC.RESPCMDR)).toBe(0);
    expect(s.ctx.unmodelledCalls).toEqual([]);
  });

  it('sends CMD0 (no response) and sets CMDSENT after the 48-bit token: 48 periods at 400 kHz = 48,000 cycles', () => {
    const s = setup();
    s.w(SDMMC.CLKCR, INIT_DIV);
    s.w(SDMMC.POWER, 3);
    s.w(SDMMC.CMDR, 0 | CPSMEN);
    expect(s.r(SDMMC.STAR) & S.CPSMACT).toBe(S.CPSMACT);
    s.ctx.advanceTo(48 * INIT_PERIOD - 1);
    expect(s.r(SDMMC.STAR) & S.CMDSENT).toBe(0);
    s.ctx.advanceTo(48 * INIT_PERIOD);
    expect(s.r(SDMMC.STAR) & (S.CMDSENT | S.CPSMACT)).toBe(S.CMDSENT);
    // CPSMEN is cleared by hardware when the CPSM returns to Idle (RM0433 SDMMC_CMDR.CPSMEN).
    expect(s.r(SDMMC.CMDR) & CPSMEN).toBe(0);
  });

  it('answers CMD8 with R7 echoing voltage and check pattern: CMDREND, RESPCMD 8, after 48 + N_CR + 48 periods', () => {
    const s = setup();
    s.w(SDMMC.CLKCR, INIT_DIV);
    s.w(SDMMC.POWER, 3);
    s.command(0, 0, 0);
    const res = s.command(8, 0x1aa, SHORT);
    expect(res.sta & (S.CMDREND | S.CCRCFAIL | S.CTIMEOUT)).toBe(S.CMDREND);
    expect(res.respcmd).toBe(8);
    expect(res.resp1).toBe(0x1aa);
    // SD spec: N_CR is at least 2 periods; command and response tokens are 48 bits each.
    expect(res.cycles).toBeGreaterThanOrEqual((48 + 2 + 48) * INIT_PERIOD);
    expect(res.cycles).toBeLessThanOrEqual((48 + 64 + 48) * INIT_PERIOD);
  });

  it('reports ACMD41 (R3, no CRC) as CCRCFAIL with RESPCMD 0x3F; busy first, then ready with CCS', () => {
    const s = setup();
    s.w(SDMMC.CLKCR, INIT_DIV);
    s.w(SDMMC.POWER, 3);
    s.command(0, 0, 0);
    s.command(8, 0x1aa, SHORT);
    const app = s.command(55, 0, SHORT);
    expect(app.sta & S.CMDREND).toBe(S.CMDREND);
    expect(app.resp1 & APP_CMD).toBe(APP_CMD);
    const ocrs: number[] = [];
    for (let i = 0; i < 10; i++) {
      if (i > 0) s.command(55, 0, SHORT);
      const res = s.command(41, ACMD41_ARG, SHORT);
      expect(res.sta & (S.CMDREND | S.CCRCFAIL)).toBe(S.CCRCFAIL);
      expect(res.respcmd).toBe(0x3f);
      ocrs.push(res.resp1);
      if (res.resp1 & OCR_READY) break;
    }
    expect(ocrs.length).toBeGreaterThan(1); // busy at least once: power-up takes time
    expect(ocrs[0] & OCR_READY).toBe(0);
    const last = ocrs[ocrs.length - 1];
    expect((last & (OCR_READY | OCR_CCS)) >>> 0).toBe((OCR_READY | OCR_CCS) >>> 0);
    // 2.7–3.6 V window (OCR bits 23:15) and no 1.8 V switch (S18A, bit 24): the board has no level shifter.
    expect(last & 0x00ff_8000).toBe(0x00ff_8000);
    expect(last & (1 << 24)).toBe(0);
  });

  it('with WAITRESP = 10 (short response, no CRC check) ACMD41 ends in CMDREND', () => {
    const s = setup();
    s.w(SDMMC.CLKCR, INIT_DIV);
    s.w(SDMMC.POWER, 3);
    s.command(0, 0, 0);
    s.command(8, 0x1aa, SHORT);
    s.command(55, 0, SHORT);
    expect(s.command(41, ACMD41_ARG, 2 << 8).sta & (S.CMDREND | S.CCRCFAIL)).toBe(S.CMDREND);
  });

  it('runs the HAL identification sequence: CID with a valid CRC7, RCA, CSD v2 with C_SIZE from the image size, select', () => {
    const s = setup(patternImage(4 * 1024 * 1024));
    s.w(SDMMC.CLKCR, INIT_DIV);
    s.w(SDMMC.POWER, 3);
    s.command(0, 0, 0);
    s.command(8, 0x1aa, SHORT);
    for (let i = 0; i < 10; i++) {
      s.command(55, 0, SHORT);
      if (s.command(41, ACMD41_ARG, SHORT).resp1 & OCR_READY) break;
    }
    const cid = s.command(2, 0, LONG);
    expect(cid.sta & S.CMDREND).toBe(S.CMDREND);
    expect(cid.respcmd).toBe(0x3f);
    const cidWords = [s.r(SDMMC.RESP1), s.r(SDMMC.RESP2), s.r(SDMMC.RESP3), s.r(SDMMC.RESP4)];
    const cidBytes = new Uint8Array(16);
    cidWords.forEach((word, i) => new DataView(cidBytes.buffer).setUint32(i * 4, word));
    // CID bits 7:1 are the CRC7 of bits 127:8; RESP4 bit 0 reads 0 (RM0433 SDMMC_RESP4R).
    expect(cidBytes[15] >>> 1).toBe(crc7(cidBytes, 15));
    expect(cidBytes[15] & 1).toBe(0);

    const r6 = s.command(3, 0, SHORT);
    expect(r6.respcmd).toBe(3);
    const rca = r6.resp1 >>> 16;
    expect(rca).not.toBe(0);
    expect((r6.resp1 >>> 9) & 0xf).toBe(2); // R6 status bits 12:9: the card was in ident

    s.command(9, rca << 16, LONG);
    const csd = [s.r(SDMMC.RESP1), s.r(SDMMC.RESP2), s.r(SDMMC.RESP3), s.r(SDMMC.RESP4)];
    expect(csd[0] >>> 30).toBe(1); // CSD_STRUCTURE = 1: version 2.0 (SDHC)
    expect((csd[1] >>> 16) & 0xf).toBe(9); // READ_BL_LEN = 9: 512 bytes
    // C_SIZE bits 69:48: capacity = (C_SIZE + 1) × 512 KiB → 4 MiB gives 7 (HAL: DeviceSize from CSD[1]/CSD[2]).
    const cSize = ((csd[1] & 0x3f) << 16) | (csd[2] >>> 16);
    expect(cSize).toBe(7);

    const sel = s.command(7, rca << 16, SHORT);
    expect(sel.sta & S.CMDREND).toBe(S.CMDREND);
    expect(state(sel.resp1)).toBe(3); // stby when CMD7 arrived
    expect(state(s.command(13, rca << 16, SHORT).resp1)).toBe(TRAN);
  });

  it('times out every response-expecting command with no card: CTIMEOUT after 48 + 64 periods; CMD0 still ends in CMDSENT', () => {
    const s = setup(null);
    s.w(SDMMC.CLKCR, INIT_DIV);
    s.w(SDMMC.POWER, 3);
    expect(s.command(0, 0, 0).sta & S.CMDSENT).toBe(S.CMDSENT);
    const res = s.command(8, 0x1aa, SHORT);
    expect(res.sta & (S.CTIMEOUT | S.CMDREND | S.CCRCFAIL)).toBe(S.CTIMEOUT);
    // RM0433 SDMMC_STAR.CTIMEOUT: the command timeout period is fixed at 64 SDMMC_CK periods.
    expect(res.cycles).toBe((48 + 64) * INIT_PERIOD);
    expect(s.command(55, 0, SHORT).sta & S.CTIMEOUT).toBe(S.CTIMEOUT);
  });

  it('raises NVIC line 49 while an enabled flag is set (MASKR) and drops it at ICR', () => {
    const s = setup();
    s.w(SDMMC.CLKCR, INIT_DIV);
    s.w(SDMMC.POWER, 3);
    s.w(SDMMC.MASKR, S.CMDSENT);
    s.w(SDMMC.CMDR, CPSMEN);
    s.runUntil(() => (s.r(SDMMC.STAR) & S.CMDSENT) !== 0);
    expect(s.ctx.irqLevels.get(49)).toBe(true);
    s.w(SDMMC.ICR, S.CMDSENT);
    expect(s.ctx.irqLevels.get(49)).toBe(false);
  });

  it('follows RCC_D1CCIPR.SDMMCSEL: pll1_q (160 MHz on the Daisy) makes the CMD0 token last 48 × 2 × 250 / 160 MHz', () => {
    const s = setup();
    s.bus.write32(RCC_BASE + RCC.D1CCIPR, 0x2); // SDMMCSEL = 0: pll1_q_ck = 800 MHz VCO / 5
    s.w(SDMMC.CLKCR, INIT_DIV);
    s.w(SDMMC.POWER, 3);
    const res = s.command(0, 0, 0);
    expect(res.cycles).toBe(Math.ceil(48 * ((400e6 * 2 * INIT_DIV) / 160e6)));
  });

  it('reports the voltage-switch bits of POWER as unmodelled', () => {
    const s = setup();
    s.w(SDMMC.POWER, 3 | (1 << 3));
    expect(s.ctx.unmodelledCalls.map((c) => [c.device, c.offset])).toEqual([['SDMMC1', SDMMC.POWER]]);
  });
});

describe('SDMMC1 data path (RM0433 SDMMC chapter; SD spec data transfers)', () => {
  it('reads the SCR through the FIFO the way SD_FindSCR polls it (DTEN, 8-byte block, ACMD51)', () => {
    const s = setup();
    const { rca } = s.identify();
    s.command(16, 8, SHORT);
    s.command(55, rca << 16, SHORT);
    s.w(SDMMC.DTIMER, 0xffff_ffff);
    s.w(SDMMC.DLENR, 8);
    s.w(SDMMC.DCTRL, blockSizeBits(3) | DTDIR | DTEN);
    s.command(51, 0, SHORT);
    // SD_FindSCR: while no DATAEND/DBCKEND, once RXFIFOE clears read two words (the second may not have
    // arrived yet: 32 periods later on a 1-bit bus), then wait for the end.
    const words: number[] = [];
    s.poll(() => {
      const sta = s.r(SDMMC.STAR);
      if (!(sta & S.RXFIFOE) && words.length < 2) {
        words.push(s.r(SDMMC.FIFOR));
        words.push(s.r(SDMMC.FIFOR));
      }
      return (sta & (S.DATAEND | S.DBCKEND)) !== 0;
    });
    expect(s.r(SDMMC.STAR) & S.DATAEND).toBe(S.DATAEND);
    expect(s.r(SDMMC.DCTRL) & DTEN).toBe(0); // cleared by hardware at the end (RM0433 SDMMC_DCTRL.DTEN)
    // The first byte on DAT is bits 7:0 of the FIFO word. SCR byte 0: SCR_STRUCTURE 0, SD_SPEC 2;
    // byte 1 bits 3:0 SD_BUS_WIDTHS: bit 0 = 1 bit, bit 2 = 4 bits (SD spec, "SCR register").
    expect(words[0] & 0xff).toBe(0x02);
    expect((words[0] >>> 8) & 0x5).toBe(0x5);
  });

  it('reads the 64-byte SD status (ACMD13) in two RXFIFOHF halves, bus width reported after ACMD6', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    s.command(16, 64, SHORT);
    s.command(55, rca << 16, SHORT);
    s.w(SDMMC.DTIMER, 0xffff_ffff); // SD_SendSDStatus: DataTimeOut = SDMMC_DATATIMEOUT
    s.w(SDMMC.DLENR, 64);
    s.w(SDMMC.DCTRL, blockSizeBits(6) | DTDIR | DTEN);
    s.command(13, 0, SHORT);
    const words: number[] = [];
    s.poll(() => {
      if (s.r(SDMMC.STAR) & S.RXFIFOHF) for (let i = 0; i < 8; i++) words.push(s.r(SDMMC.FIFOR));
      return (s.r(SDMMC.STAR) & S.DATAEND) !== 0;
    });
    expect(words.length).toBe(16);
    expect((words[0] & 0xff) >>> 6).toBe(2); // DAT_BUS_WIDTH = 10: 4 bits (SD spec, "SD Status")
  });

  it('reads one block by IDMA into AXI SRAM (CMD17) no sooner than its bits take on a 4-bit 50 MHz bus, then DATAEND on IRQ 49', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    s.w(SDMMC.MASKR, S.DATAEND | S.DCRCFAIL | S.DTIMEOUT | S.RXOVERR);
    const start = s.ctx.clock.cycles;
    const res = s.idmaCommand(17, 5, 1, AXI_SRAM, true);
    expect(res.sta & S.CMDREND).toBe(S.CMDREND);
    expect(s.r(SDMMC.STAR) & S.DPSMACT).toBe(S.DPSMACT);
    const end = s.runUntil(() => (s.r(SDMMC.STAR) & S.DATAEND) !== 0);
    expect(s.ctx.irqLevels.get(49)).toBe(true);
    expect(s.r(SDMMC.STAR) & S.DPSMACT).toBe(0);
    expect(s.r(SDMMC.DCNTR)).toBe(0);
    // SD spec: 512 × 8 / 4 = 1024 data periods + start bit + CRC16 + end bit, after the 98-period command.
    expect(end - start).toBeGreaterThanOrEqual((98 + 1024 + 18) * FAST_PERIOD);
    expect(end - start).toBeLessThanOrEqual((98 + 1024 + 18 + 64) * FAST_PERIOD);
    const got = new Uint8Array(512);
    for (let i = 0; i < 512; i++) got[i] = s.bus.read8(AXI_SRAM + i);
    expect(got).toEqual(sector(5, s.card!.image));
    s.endIdma(false);
    expect(s.ctx.irqLevels.get(49)).toBe(false);
    expect(state(s.command(13, rca << 16, SHORT).resp1)).toBe(TRAN);
  });

  it('reads three blocks with CMD18, ends with CMD12 (CMDSTOP) and the card returns to tran', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    s.idmaCommand(18, 100, 3, AXI_SRAM + 0x1000, true);
    s.runUntil(() => (s.r(SDMMC.STAR) & S.DATAEND) !== 0);
    const stop = s.endIdma(true)!;
    expect(stop.sta & S.CMDREND).toBe(S.CMDREND);
    expect(state(stop.resp1)).toBe(5); // the card was in data when CMD12 arrived
    expect(s.r(SDMMC.STAR) & S.DABORT).toBe(0); // the DPSM had already finished
    const got = new Uint8Array(1536);
    for (let i = 0; i < got.length; i++) got[i] = s.bus.read8(AXI_SRAM + 0x1000 + i);
    expect(got).toEqual(s.card!.image.subarray(100 * 512, 103 * 512));
    expect(state(s.command(13, rca << 16, SHORT).resp1)).toBe(TRAN);
  });

  it('writes a block by IDMA (CMD24), holds DAT0 busy while the card programs, and reads it back', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    for (let i = 0; i < 512; i += 4) s.bus.write32(AXI_SRAM + 0x2000 + i, (0xa5000000 | i) >>> 0);
    s.idmaCommand(24, 42, 1, AXI_SRAM + 0x2000, false);
    s.runUntil(() => (s.r(SDMMC.STAR) & S.DATAEND) !== 0);
    s.endIdma(false);
    const written = sector(42, s.card!.image);
    expect(new DataView(written.buffer, written.byteOffset).getUint32(8, true)).toBe(0xa5000008);
    // CMD13 while the card programs: the response says prg, BUSYD0 is set and CPSMACT stays until DAT0 is
    // released, which sets BUSYD0END (RM0433 SDMMC_STAR.BUSYD0/BUSYD0END).
    s.w(SDMMC.ARGR, rca << 16);
    s.w(SDMMC.CMDR, 13 | SHORT | CPSMEN);
    s.runUntil(() => (s.r(SDMMC.STAR) & S.CMDREND) !== 0);
    expect(s.r(SDMMC.STAR) & (S.BUSYD0 | S.CPSMACT)).toBe(S.BUSYD0 | S.CPSMACT);
    expect(state(s.r(SDMMC.RESP1))).toBe(PRG);
    s.runUntil(() => (s.r(SDMMC.STAR) & S.CPSMACT) === 0);
    expect(s.r(SDMMC.STAR) & (S.BUSYD0 | S.BUSYD0END)).toBe(S.BUSYD0END);
    s.w(SDMMC.ICR, 0xffff_ffff);
    expect(state(s.command(13, rca << 16, SHORT).resp1)).toBe(TRAN);

    s.idmaCommand(17, 42, 1, AXI_SRAM + 0x3000, true);
    s.runUntil(() => (s.r(SDMMC.STAR) & S.DATAEND) !== 0);
    for (let i = 0; i < 512; i += 4) expect(s.bus.read32(AXI_SRAM + 0x3000 + i)).toBe((0xa5000000 | i) >>> 0);
  });

  it('writes two blocks with CMD25; CMD12 then waits for the programming busy (BUSYD0END)', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    for (let i = 0; i < 1024; i++) s.bus.write8(AXI_SRAM + i, (i * 3) & 0xff);
    s.idmaCommand(25, 7, 2, AXI_SRAM, false);
    s.runUntil(() => (s.r(SDMMC.STAR) & S.DATAEND) !== 0);
    const stop = s.endIdma(true)!;
    expect(stop.sta & (S.CMDREND | S.BUSYD0END)).toBe(S.CMDREND | S.BUSYD0END);
    expect(state(stop.resp1)).toBe(6); // rcv when CMD12 arrived
    const img = s.card!.image;
    for (let i = 0; i < 1024; i++) expect(img[7 * 512 + i]).toBe((i * 3) & 0xff);
    expect(state(s.command(13, rca << 16, SHORT).resp1)).toBe(TRAN);
  });

  it('refuses an IDMA buffer in DTCM: dma-to-tcm rule, IDMATE and RXOVERR, memory untouched', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    s.idmaCommand(17, 1, 1, DTCM + 0x100, true);
    expect(s.r(SDMMC.STAR) & (S.IDMATE | S.RXOVERR)).toBe(S.IDMATE | S.RXOVERR);
    expect(s.r(SDMMC.STAR) & S.DPSMACT).toBe(0);
    expect(s.ctx.rules.map((e) => e.rule)).toEqual(['dma-to-tcm']);
    expect(s.ctx.rules[0].address).toBe(DTCM + 0x100);
  });

  it('reads a block through the FIFO as HAL_SD_ReadBlocks polls it (8 words per RXFIFOHF), first byte in bits 7:0', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    s.w(SDMMC.DLENR, 512);
    s.w(SDMMC.DCTRL, blockSizeBits(9) | DTDIR);
    s.w(SDMMC.CMDR, s.r(SDMMC.CMDR) | CMDTRANS);
    s.command(17, 9, SHORT | CMDTRANS);
    const words: number[] = [];
    s.poll(() => {
      const sta = s.r(SDMMC.STAR);
      if (sta & S.RXFIFOHF && words.length < 128) for (let i = 0; i < 8; i++) words.push(s.r(SDMMC.FIFOR));
      return (sta & S.DATAEND) !== 0;
    });
    expect(words.length).toBe(128);
    const got = new Uint8Array(new Uint32Array(words).buffer);
    expect(got).toEqual(sector(9, s.card!.image));
    expect(s.r(SDMMC.STAR) & (S.RXOVERR | S.DPSMACT)).toBe(0);
  });

  it('writes a block through the FIFO as HAL_SD_WriteBlocks fills it (8 words per TXFIFOHE)', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    s.w(SDMMC.DLENR, 512);
    s.w(SDMMC.DCTRL, blockSizeBits(9));
    s.w(SDMMC.CMDR, s.r(SDMMC.CMDR) | CMDTRANS);
    s.command(24, 11, SHORT | CMDTRANS);
    let sent = 0;
    s.poll(() => {
      const sta = s.r(SDMMC.STAR);
      if (sta & S.TXFIFOHE && sent < 128) for (let i = 0; i < 8; i++, sent++) s.w(SDMMC.FIFOR, (0x5eed0000 | sent) >>> 0);
      return (sta & S.DATAEND) !== 0;
    });
    const img = s.card!.image;
    const view = new DataView(img.buffer, 11 * 512, 512);
    for (let i = 0; i < 128; i++) expect(view.getUint32(i * 4, true)).toBe((0x5eed0000 | i) >>> 0);
  });

  it('raises IRQ 49 on RXFIFOHF during a FIFO read when RXFIFOHFIE is set (interrupt-driven transfers)', () => {
    const s = setup();
    const { rca } = s.identify();
    s.fastBus(rca);
    s.w(SDMMC.DLENR, 512);
    s.w(SDMMC.DCTRL, blockSizeBits(9) | DTDIR);
    s.w(SDMMC.CMDR, s.r(SDMMC.CMDR) | CMDTRANS);
    s.command(17, 3, SHORT | CMDTRANS);
    s.w(SDMMC.MASKR, S.RXFIFOHF);
    expect(s.ctx.irqLevels.get(49) ?? false).toBe(false);
    s.runUntil(() => s.ctx.irqLevels.get(49) === true);
    expect(s.r(SDMMC.STAR) & S.RXFIFOHF).toBe(S.RXFIFOHF);
    expect(s.r(SDMMC.STAR) & S.DATAEND).toBe(0);
  });

  it('powering off (PWRCTRL = 00) sends the card back to idle: CMD13 then gets no response', () => {
    const s = setup();
    const { rca } = s.identify();
    s.w(SDMMC.POWER, 0);
    expect(s.card!.currentState).toBe('idle');
    s.w(SDMMC.POWER, 3);
    expect(s.command(13, rca << 16, SHORT).sta & S.CTIMEOUT).toBe(S.CTIMEOUT);
  });

  it('ends a DTEN receive that gets no data in DTIMEOUT after DTIMER SDMMC_CK periods from the DTEN write (empty slot), on IRQ 49', () => {
    const s = setup(null);
    s.w(SDMMC.CLKCR, INIT_DIV); // 400 kHz: one period is INIT_PERIOD = 1000 CPU cycles
    s.w(SDMMC.POWER, 3);
    s.w(SDMMC.MASKR, S.DTIMEOUT);
    s.w(SDMMC.DTIMER, 500);
    s.w(SDMMC.DLENR, 8);
    const start = s.ctx.clock.cycles;
    s.w(SDMMC.DCTRL, blockSizeBits(3) | DTDIR | DTEN);
    // ACMD51 as SD_FindSCR sends it: CMD55 gets no response (CTIMEOUT), the DPSM keeps waiting.
    expect(s.command(55, 0, SHORT).sta & S.CTIMEOUT).toBe(S.CTIMEOUT);
    expect(s.r(SDMMC.STAR) & (S.DPSMACT | S.DTIMEOUT)).toBe(S.DPSMACT);
    s.ctx.advanceTo(start + 500 * INIT_PERIOD - 1);
    expect(s.r(SDMMC.STAR) & (S.DPSMACT | S.DTIMEOUT)).toBe(S.DPSMACT);
    s.ctx.advanceTo(start + 500 * INIT_PERIOD);
    expect(s.r(SDMMC.STAR) & (S.DPSMACT | S.DTIMEOUT)).toBe(S.DTIMEOUT);
    expect(s.r(SDMMC.DCTRL) & DTEN).toBe(0);
    expect(s.ctx.irqLevels.get(49)).toBe(true);
    s.w(SDMMC.ICR, S.DTIMEOUT);
    expect(s.ctx.irqLevels.get(49)).toBe(false);
  });

  it('a DTEN receive whose data comes in time does not time out (the data start cancels the timer)', () => {
    const s = setup();
    const { rca } = s.identify();
    s.command(16, 8, SHORT);
    s.command(55, rca << 16, SHORT);
    s.w(SDMMC.DTIMER, 2000); // 2 ms at 400 kHz: ACMD51's response and 8 bytes on one line take far less
    s.w(SDMMC.DLENR, 8);
    s.w(SDMMC.DCTRL, blockSizeBits(3) | DTDIR | DTEN);
    s.command(51, 0, SHORT);
    const words: number[] = [];
    s.poll(() => {
      if (!(s.r(SDMMC.STAR) & S.RXFIFOE) && words.length < 2) words.push(s.r(SDMMC.FIFOR));
      return (s.r(SDMMC.STAR) & S.DATAEND) !== 0;
    });
    s.ctx.advanceTo(s.ctx.clock.cycles + 3000 * INIT_PERIOD);
    expect(s.r(SDMMC.STAR) & (S.DATAEND | S.DTIMEOUT | S.DPSMACT)).toBe(S.DATAEND);
  });

  it('answers a read beyond the capacity with OUT_OF_RANGE (card status bit 31) and sends no data', () => {
    const s = setup(patternImage(512 * 1024)); // C_SIZE 0: 1024 blocks
    const { rca } = s.identify();
    s.fastBus(rca);
    const res = s.idmaCommand(17, 1024, 1, AXI_SRAM, true);
    expect(res.sta & S.CMDREND).toBe(S.CMDREND);
    expect(res.resp1 >>> 31).toBe(1);
    expect(s.r(SDMMC.STAR) & S.DPSMACT).toBe(0);
    expect(state(s.command(13, rca << 16, SHORT).resp1)).toBe(TRAN);
  });
});
