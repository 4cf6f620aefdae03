/**
 * An SDHC memory card in SD bus mode (SD Physical Layer Simplified Specification v2.00 and later,
 * "SD Memory Card Functional Description" and "Card Registers"). Block addressed, 512-byte blocks, backed
 * by a user-supplied image: reads and writes go straight to that Uint8Array, so the caller sees what the
 * firmware wrote. The card only knows commands and data blocks; the host controller (SDMMC) owns the
 * timing on the wire.
 */

/** Card states (SD spec, "Card Status": CURRENT_STATE field values). */
export const SdState = { idle: 0, ready: 1, ident: 2, stby: 3, tran: 4, data: 5, rcv: 6, prg: 7, dis: 8 } as const;
export type SdStateName = keyof typeof SdState;

/** A response as the host sees it: 32-bit words (4 for R2, most significant first) and the index field. */
export interface SdResponse {
  /** R1/R1b/R3/R6/R7: one word (bits 39:8 of the 48-bit token). R2: bits 127:0 of the CID/CSD in four words. */
  readonly words: readonly number[];
  /** The 6-bit command index field of the token: the command's index, or 0b111111 for R2 and R3. */
  readonly index: number;
  /** False for R3: its CRC7 field is all ones, so a host that checks it reports a CRC failure. */
  readonly hasCrc: boolean;
  /** R1b: the card may hold DAT0 low (busy) after the response. */
  readonly busy: boolean;
  /** The command starts a data transfer: 'read' (card to host) or 'write' (host to card). */
  readonly data: 'read' | 'write' | null;
}

// Card status bits (SD spec, "Card Status" table).
const OUT_OF_RANGE = 1 << 31;
const BLOCK_LEN_ERROR = 1 << 29;
const ILLEGAL_COMMAND = 1 << 22;
const READY_FOR_DATA = 1 << 8;
const APP_CMD = 1 << 5;
/** Error bits cleared once they have been reported in a response ("clear condition C"). */
const CLEAR_ON_READ = OUT_OF_RANGE | BLOCK_LEN_ERROR | ILLEGAL_COMMAND;

// OCR (SD spec, "OCR register"): busy (power-up done) 31, CCS 30, S18A 24, voltage window 2.7–3.6 V bits 23:15.
const OCR_READY = 1 << 31;
const OCR_CCS = 1 << 30;
const OCR_VOLTAGES = 0x00ff_8000;
/** ACMD41 argument HCS (host capacity support), bit 30. */
const ACMD41_HCS = 1 << 30;

export const SD_BLOCK_SIZE = 512;
/** SDHC capacity unit: (C_SIZE + 1) × 512 KiB (SD spec, CSD version 2.0, C_SIZE). */
const CAPACITY_UNIT = 512 * 1024;

export interface SdCardOptions {
  /** ACMD41 answers "busy" this many times before power-up completes (real cards take ~tens of ms). */
  readonly initBusyPolls?: number;
  /** Published RCA (CMD3). */
  readonly rca?: number;
  /** Time the card holds DAT0 busy while programming after a write, in seconds. */
  readonly programSeconds?: number;
}

/** CRC7 (x^7 + x^3 + 1) over bytes, as the CID and CSD carry it (SD spec, "CRC7"). */
export function crc7(bytes: Uint8Array, length = bytes.length): number {
  let crc = 0;
  for (let i = 0; i < length; i++) {
    let b = bytes[i];
    for (let bit = 0; bit < 8; bit++) {
      const top = ((crc >>> 6) ^ (b >>> 7)) & 1;
      crc = (crc << 1) & 0x7f;
      if (top) crc ^= 0x09;
      b = (b << 1) & 0xff;
    }
  }
  return crc;
}

function wordsOf(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
  return out;
}

/** Fills byte 15 of a 16-byte CID/CSD with CRC7 << 1 | end bit. */
function withCrc(reg: Uint8Array): Uint8Array {
  reg[15] = (crc7(reg, 15) << 1) | 1;
  return reg;
}

export class SdCard {
  readonly blockCount: number;
  readonly programSeconds: number;
  private state: SdStateName = 'idle';
  private status = 0;
  private appCommand = false;
  /** APP_CMD bit of the response being built: the command is an application command, or CMD55 itself. */
  private appBit = false;
  private rcaValue = 0;
  private readonly publishedRca: number;
  private busyPolls = 0;
  private readonly initBusyPolls: number;
  private ccs = false;
  /** Data bus width set by ACMD6: 1 or 4. */
  busWidth = 1;
  highSpeed = false;
  private blockLength = SD_BLOCK_SIZE;
  /** The pending transfer: next block address and whether it ends after one block. */
  private address = 0;
  private multiple = false;
  /** Register data (SD status, SCR, switch status) the next read returns instead of memory. */
  private registerData: Uint8Array | null = null;
  /** Blocks written and read since power-on (for tests and reports). */
  blocksRead = 0;
  blocksWritten = 0;

  constructor(
    readonly image: Uint8Array,
    options: SdCardOptions = {},
  ) {
    // SDHC: C_SIZE counts 512 KiB units; an image that is not a multiple is rounded up and the tail
    // beyond the image reads as zeros (writes there are dropped).
    const units = Math.max(1, Math.ceil(image.length / CAPACITY_UNIT));
    this.blockCount = (units * CAPACITY_UNIT) / SD_BLOCK_SIZE;
    // [I] A few polls, so the HAL's ACMD41 retry loop runs; real cards stay busy for up to 1 s (SD spec, ACMD41).
    this.initBusyPolls = options.initBusyPolls ?? 2;
    this.publishedRca = (options.rca ?? 0x5a5a) & 0xffff;
    // [I] Our choice for a typical card: the SD spec ("Timeouts") bounds write busy at 250 ms for SDHC and
    // leaves the actual programming time to the card; a 512-byte block on current cards takes ~0.1–1 ms.
    this.programSeconds = options.programSeconds ?? 250e-6;
  }

  get currentState(): SdStateName {
    return this.state;
  }

  get rca(): number {
    return this.rcaValue;
  }

  /** C_SIZE of the CSD: capacity / 512 KiB − 1. */
  get cSize(): number {
    return this.blockCount / (CAPACITY_UNIT / SD_BLOCK_SIZE) - 1;
  }

  /** CID (SD spec, "CID register"): MID, OID "SS", PNM "SEEDS", PRV 1.0, PSN, MDT 2024-01, CRC7. */
  cid(): Uint8Array {
    const reg = new Uint8Array(16);
    reg.set([0x53, 0x53, 0x53, 0x53, 0x45, 0x45, 0x44, 0x53, 0x10, 0x12, 0x34, 0x56, 0x78, 0x01, 0x81]);
    return withCrc(reg);
  }

  /** CSD version 2.0 (SD spec, "CSD Register (CSD Version 2.0)"). */
  csd(): Uint8Array {
    const c = this.cSize;
    const reg = new Uint8Array(16);
    reg[0] = 0x40; // CSD_STRUCTURE = 1 (bits 127:126)
    reg[1] = 0x0e; // TAAC: 1.0 ms
    reg[2] = 0x00; // NSAC
    reg[3] = this.highSpeed ? 0x5a : 0x32; // TRAN_SPEED: 50 / 25 Mbit/s
    reg[4] = 0x5b; // CCC 0x5B5 (bits 95:84) …
    reg[5] = 0x59; // … and READ_BL_LEN = 9 (512 bytes)
    reg[6] = 0x00; // READ_BL_PARTIAL, WRITE_BLK_MISALIGN, READ_BLK_MISALIGN, DSR_IMP = 0
    reg[7] = (c >>> 16) & 0x3f; // C_SIZE bits 69:64
    reg[8] = (c >>> 8) & 0xff;
    reg[9] = c & 0xff;
    reg[10] = 0x7f; // ERASE_BLK_EN = 1, SECTOR_SIZE = 0x7F (bits 45:39)
    reg[11] = 0x80; // … SECTOR_SIZE bit 0, WP_GRP_SIZE = 0
    reg[12] = 0x0a; // R2W_FACTOR = 2, WRITE_BL_LEN bits 3:2
    reg[13] = 0x40; // WRITE_BL_LEN bits 1:0 (9 = 512 bytes)
    reg[14] = 0x00;
    return withCrc(reg);
  }

  /** SCR (SD spec, "SCR register"): SD_SPEC 2, SD_BUS_WIDTHS 1-bit and 4-bit, SD_SPEC3. */
  scr(): Uint8Array {
    return Uint8Array.of(0x02, 0x05, 0x80, 0x00, 0, 0, 0, 0);
  }

  /** SD Status (SD spec, "SD Status"): DAT_BUS_WIDTH, SPEED_CLASS 4, AU_SIZE 4 MB, no UHS grade. */
  sdStatus(): Uint8Array {
    const s = new Uint8Array(64);
    s[0] = this.busWidth === 4 ? 0x80 : 0x00;
    s[8] = 0x02;
    s[10] = 0x90;
    return s;
  }

  /**
   * CMD6 switch status (SD spec, "Switch Function Status"): 200 mA, group 1 supports default and high
   * speed (bits 415:400), the selected group 1 function in bits 379:376 (0xF = the function cannot switch).
   */
  switchStatus(arg: number): Uint8Array {
    const s = new Uint8Array(64);
    s[0] = 0x00;
    s[1] = 0xc8;
    s[2] = 0x80; // group 6 … 2 support: function 0 only
    s[3] = 0x01;
    for (let g = 4; g <= 10; g += 2) {
      s[g] = 0x80;
      s[g + 1] = 0x01;
    }
    s[12] = 0x80;
    s[13] = 0x03; // group 1: default (0) and high speed (1)
    const requested = arg & 0xf;
    const result = requested === 0xf ? (this.highSpeed ? 1 : 0) : requested <= 1 ? requested : 0xf;
    s[16] = result; // group 2 selection (high nibble) stays 0
    s[17] = 0x01; // data structure version
    if (arg & (1 << 31) && result !== 0xf) this.highSpeed = result === 1;
    return s;
  }

  /**
   * One command. Returns the response, or null when the card does not answer (no response type, or a
   * command illegal in the current state: the card ignores it and sets ILLEGAL_COMMAND for the next status).
   */
  command(index: number, arg: number): SdResponse | null {
    const app = this.appCommand;
    this.appCommand = false;
    this.appBit = app;
    if (index === 0) {
      this.goIdle();
      return null;
    }
    const r = app ? this.appCommandResponse(index, arg) : this.standardCommand(index, arg);
    if (r === undefined) {
      this.status |= ILLEGAL_COMMAND;
      return null;
    }
    return r;
  }

  private goIdle(): void {
    this.state = 'idle';
    this.rcaValue = 0;
    this.busyPolls = 0;
    this.busWidth = 1;
    this.highSpeed = false;
    this.blockLength = SD_BLOCK_SIZE;
    this.registerData = null;
    this.status = 0;
  }

  /** R1: the card status with the state the card was in when it received the command (SD spec, "Card Status"). */
  private r1(index: number, stateBefore: SdStateName, data: 'read' | 'write' | null = null, busy = false, extra = 0): SdResponse {
    const ready = stateBefore === 'prg' ? 0 : READY_FOR_DATA;
    const value = (this.status | extra | (SdState[stateBefore] << 9) | ready | (this.appBit ? APP_CMD : 0)) >>> 0;
    this.status &= ~CLEAR_ON_READ;
    return { words: [value], index, hasCrc: true, busy, data };
  }

  /** R6 bits 15:0: card status bits 23, 22, 19 and 12:0 (SD spec, "R6"). */
  private r6Status(stateBefore: SdStateName): number {
    const st = this.status | (SdState[stateBefore] << 9) | (this.appBit ? APP_CMD : 0);
    this.status &= ~CLEAR_ON_READ;
    return ((st >>> 8) & 0xc000) | ((st >>> 6) & 0x2000) | (st & 0x1fff);
  }

  private addressed(arg: number): boolean {
    return arg >>> 16 === this.rcaValue;
  }

  private standardCommand(index: number, arg: number): SdResponse | null | undefined {
    const s = this.state;
    switch (index) {
      case 8: // SEND_IF_COND: R7 echoes the voltage and check pattern (SD spec, "R7")
        if (s !== 'idle') return undefined;
        return { words: [arg & 0xfff], index: 8, hasCrc: true, busy: false, data: null };
      case 55: // APP_CMD
        if (s !== 'idle' && !this.addressed(arg)) return null;
        this.appCommand = true;
        this.appBit = true;
        return this.r1(55, s);
      case 2: // ALL_SEND_CID
        if (s !== 'ready') return undefined;
        this.state = 'ident';
        return { words: wordsOf(this.cid()), index: 0x3f, hasCrc: true, busy: false, data: null };
      case 3: // SEND_RELATIVE_ADDR: R6 = new RCA and status bits 23, 22, 19, 12:0
        if (s !== 'ident' && s !== 'stby') return undefined;
        this.rcaValue = this.publishedRca;
        this.state = 'stby';
        return { words: [((this.rcaValue << 16) | this.r6Status(s)) >>> 0], index: 3, hasCrc: true, busy: false, data: null };
      case 9: // SEND_CSD
      case 10: // SEND_CID
        if (s !== 'stby') return undefined;
        if (!this.addressed(arg)) return null;
        return { words: wordsOf(index === 9 ? this.csd() : this.cid()), index: 0x3f, hasCrc: true, busy: false, data: null };
      case 7: // SELECT/DESELECT_CARD (R1b)
        if (this.addressed(arg) && this.rcaValue !== 0) {
          if (s === 'stby') this.state = 'tran';
          else if (s === 'dis') this.state = 'prg';
          else if (s !== 'tran') return undefined;
          return this.r1(7, s, null, true);
        }
        // Another RCA deselects: no response from this card.
        if (s === 'tran' || s === 'data') this.state = 'stby';
        else if (s === 'prg') this.state = 'dis';
        return null;
      case 13: // SEND_STATUS
        if (s === 'idle' || s === 'ready' || s === 'ident') return undefined;
        if (!this.addressed(arg)) return null;
        return this.r1(13, s);
      case 16: // SET_BLOCKLEN: SDHC transfers are 512 bytes whatever it says; > 512 is an error
        if (s !== 'tran') return undefined;
        if (arg > SD_BLOCK_SIZE || arg === 0) return this.r1(16, s, null, false, BLOCK_LEN_ERROR);
        this.blockLength = arg;
        return this.r1(16, s);
      case 17: // READ_SINGLE_BLOCK
      case 18: // READ_MULTIPLE_BLOCK
        if (s !== 'tran') return undefined;
        if (arg >>> 0 >= this.blockCount) return this.r1(index, s, null, false, OUT_OF_RANGE);
        this.address = arg >>> 0;
        this.multiple = index === 18;
        this.registerData = null;
        this.state = 'data';
        return this.r1(index, s, 'read');
      case 24: // WRITE_BLOCK
      case 25: // WRITE_MULTIPLE_BLOCK
        if (s !== 'tran') return undefined;
        if (arg >>> 0 >= this.blockCount) return this.r1(index, s, null, false, OUT_OF_RANGE);
        this.address = arg >>> 0;
        this.multiple = index === 25;
        this.state = 'rcv';
        return this.r1(index, s, 'write');
      case 12: // STOP_TRANSMISSION (R1b)
        if (s === 'data') this.state = 'tran';
        else if (s === 'rcv') this.state = 'prg';
        else return undefined;
        return this.r1(12, s, null, true);
      case 6: // SWITCH_FUNC: 64-byte status on DAT
        if (s !== 'tran') return undefined;
        this.registerData = this.switchStatus(arg);
        this.state = 'data';
        this.multiple = false;
        return this.r1(6, s, 'read');
      default:
        return undefined;
    }
  }

  private appCommandResponse(index: number, arg: number): SdResponse | null | undefined {
    const s = this.state;
    switch (index) {
      case 41: {
        // SD_SEND_OP_COND: R3 with the OCR; busy for a few polls, then ready (SD spec, "Card Initialization").
        if (s !== 'idle') return undefined;
        const inquiry = (arg & OCR_VOLTAGES) === 0;
        let ocr = OCR_VOLTAGES;
        // An SDHC card answered by a host without HCS stays busy (SD spec: it never completes initialisation).
        if (!inquiry && (arg & ACMD41_HCS) !== 0 && ++this.busyPolls > this.initBusyPolls) {
          this.ccs = true;
          ocr |= OCR_READY | OCR_CCS;
          this.state = 'ready';
        }
        return { words: [ocr >>> 0], index: 0x3f, hasCrc: false, busy: false, data: null };
      }
      case 6: // SET_BUS_WIDTH: 00 = 1 bit, 10 = 4 bits
        if (s !== 'tran') return undefined;
        if ((arg & 3) === 2) this.busWidth = 4;
        else if ((arg & 3) === 0) this.busWidth = 1;
        else return undefined;
        return this.r1(6, s);
      case 13: // SD_STATUS: 64 bytes on DAT
      case 51: // SEND_SCR: 8 bytes on DAT
        if (s !== 'tran') return undefined;
        this.registerData = index === 13 ? this.sdStatus() : this.scr();
        this.state = 'data';
        this.multiple = false;
        return this.r1(index, s, 'read');
      default:
        // Other application commands: treated as the standard command of the same index (SD spec).
        return this.standardCommand(index, arg);
    }
  }

  /** True once ACMD41 completed with CCS: block addressing. */
  get highCapacity(): boolean {
    return this.ccs;
  }

  /**
   * The next block of the current read, `length` bytes: register data (SCR, SD status, switch status)
   * or memory at the current block address. A single-block read returns the card to tran.
   */
  readBlock(length: number): Uint8Array {
    const out = new Uint8Array(length);
    if (this.state !== 'data') return out;
    if (this.registerData !== null) {
      out.set(this.registerData.subarray(0, length));
      this.registerData = null;
      this.state = 'tran';
      return out;
    }
    if (this.address >= this.blockCount) {
      this.status |= OUT_OF_RANGE;
    } else {
      const from = this.address * SD_BLOCK_SIZE;
      if (from < this.image.length) out.set(this.image.subarray(from, Math.min(from + length, this.image.length)));
      this.blocksRead++;
    }
    this.address++;
    if (!this.multiple) this.state = 'tran';
    return out;
  }

  /**
   * One block written by the host. A single-block write enters prg (programming, DAT0 busy) until
   * {@link programmed}; a multiple-block write stays in rcv until CMD12.
   */
  writeBlock(bytes: Uint8Array): void {
    if (this.state !== 'rcv') return;
    if (this.address >= this.blockCount) {
      this.status |= OUT_OF_RANGE;
    } else {
      const from = this.address * SD_BLOCK_SIZE;
      if (from < this.image.length) this.image.set(bytes.subarray(0, Math.min(bytes.length, this.image.length - from)), from);
      this.blocksWritten++;
    }
    this.address++;
    if (!this.multiple) this.state = 'prg';
  }

  /** Programming finished: DAT0 released, back to tran (or stby after a deselect during programming). */
  programmed(): void {
    if (this.state === 'prg') this.state = 'tran';
    else if (this.state === 'dis') this.state = 'stby';
  }

  /** The card holds DAT0 low while programming. */
  get busy(): boolean {
    return this.state === 'prg' || this.state === 'dis';
  }
}
