/**
 * MIDI bytes to USB-MIDI event packets (USB Device Class Definition for MIDI Devices 1.0, §4 "USB-MIDI
 * Event Packets", Table 4-1): four bytes per message, the first holding the cable number (0 here) and
 * the Code Index Number that says how many of the next three bytes count.
 */

/** Code Index Numbers (Table 4-1). */
const enum Cin {
  TwoByteSystemCommon = 0x2,
  ThreeByteSystemCommon = 0x3,
  SysExStartOrContinue = 0x4,
  /** A single-byte system common message, or a SysEx that ends with one byte. */
  SingleByteOrSysExEnd1 = 0x5,
  SysExEnd2 = 0x6,
  SysExEnd3 = 0x7,
  SingleByte = 0xf,
}

/** Data bytes after a channel status byte, by its high nibble (MIDI 1.0: 0x8-0xE). */
const CHANNEL_DATA_BYTES = [0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 1, 1, 2];
/** Data bytes after a system common status 0xF1-0xF7 (MTC quarter frame, song position, song select, -, -, tune request, EOX). */
const SYSTEM_COMMON_DATA_BYTES: Record<number, number> = { 0xf1: 1, 0xf2: 2, 0xf3: 1, 0xf6: 0 };

/**
 * Splits a MIDI byte stream into USB-MIDI event packets, cable 0. Running status is followed; system
 * real-time bytes (0xF8-0xFF) become packets of their own wherever they occur; a SysEx message goes out
 * three bytes at a time. Data bytes with no status to belong to are dropped, as a MIDI receiver would.
 */
export class UsbMidiPacketizer {
  private status = 0;
  private message: number[] = [];
  private needed = 0;
  private sysEx: number[] | null = null;

  /** Feeds bytes; returns the packets they complete (4 bytes each). */
  push(bytes: Iterable<number>): number[] {
    const out: number[] = [];
    for (const raw of bytes) {
      const b = raw & 0xff;
      if (b >= 0xf8) {
        out.push(Cin.SingleByte, b, 0, 0); // real time: may interleave anything (MIDI 1.0)
      } else if (b === 0xf0) {
        this.sysEx = [0xf0];
        this.status = 0;
      } else if (b === 0xf7 && this.sysEx !== null) {
        this.sysEx.push(0xf7);
        this.flushSysEx(out, true);
      } else if (b >= 0x80) {
        this.sysEx = null;
        this.start(b, out);
      } else if (this.sysEx !== null) {
        this.sysEx.push(b);
        if (this.sysEx.length === 3) this.flushSysEx(out, false);
      } else if (this.status !== 0) {
        if (this.needed === 0) this.message = [this.status]; // running status
        this.message.push(b);
        this.needed = (this.needed === 0 ? this.dataBytes(this.status) : this.needed) - 1;
        if (this.needed === 0) this.emit(out);
      }
    }
    return out;
  }

  private dataBytes(status: number): number {
    return status < 0xf0 ? CHANNEL_DATA_BYTES[status >>> 4] : (SYSTEM_COMMON_DATA_BYTES[status] ?? 0);
  }

  private start(status: number, out: number[]): void {
    this.message = [status];
    this.needed = this.dataBytes(status);
    // System common messages cancel running status (MIDI 1.0).
    this.status = status < 0xf0 ? status : 0;
    if (this.needed === 0) this.emit(out);
    else if (status >= 0xf0) this.status = status; // collect its data bytes, then forget it
  }

  private emit(out: number[]): void {
    const m = this.message;
    const status = m[0];
    let cin: number;
    if (status < 0xf0) cin = status >>> 4;
    else if (m.length === 1) cin = Cin.SingleByteOrSysExEnd1;
    else cin = m.length === 2 ? Cin.TwoByteSystemCommon : Cin.ThreeByteSystemCommon;
    out.push(cin, m[0], m[1] ?? 0, m[2] ?? 0);
    this.needed = 0;
    if (status >= 0xf0) this.status = 0;
  }

  private flushSysEx(out: number[], end: boolean): void {
    const s = this.sysEx as number[];
    const cin = end ? [Cin.SingleByteOrSysExEnd1, Cin.SysExEnd2, Cin.SysExEnd3][s.length - 1] : Cin.SysExStartOrContinue;
    out.push(cin, s[0], s[1] ?? 0, s[2] ?? 0);
    this.sysEx = end ? null : [];
  }
}
