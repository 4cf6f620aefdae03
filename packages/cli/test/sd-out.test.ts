import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaisyBoard } from '@seedsim/daisy';
import type { SdCard } from '@seedsim/soc';
import { readElf } from '../src/files.js';
import { SdCardOutput, sdCardOutput } from '../src/sd-card-output.js';
import { runCli } from './helpers.js';

const build = fileURLToPath(new URL('../../../firmware-fixtures/build/', import.meta.url));
const elf = (name: string) => join(build, `${name}.elf`);
const tmp = mkdtempSync(join(tmpdir(), 'seedsim-sd-'));

/** A 1 MiB card image whose byte i is (i * 13 + 7) & 0xff, written to a file in the test directory. */
function inputImage(name: string): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13 + 7) & 0xff;
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

// SDMMC1 registers (RM0433 SDMMC chapter, "SDMMC registers") and the bits the sequence below uses.
const SDMMC1 = 0x5200_7000;
const R = { POWER: 0x00, CLKCR: 0x04, ARGR: 0x08, CMDR: 0x0c, RESP1: 0x14, DTIMER: 0x24, DLENR: 0x28, DCTRL: 0x2c, STAR: 0x34, ICR: 0x38, IDMACTRLR: 0x50, IDMABASE0R: 0x58, FIFOR: 0x80 };
const CMDTRANS = 1 << 6;
const CMDSTOP = 1 << 7;
const SHORT = 1 << 8;
const LONG = 3 << 8;
const CPSMEN = 1 << 12;
const STA = { CCRCFAIL: 1 << 0, CTIMEOUT: 1 << 2, CMDREND: 1 << 6, CMDSENT: 1 << 7, DATAEND: 1 << 8, CPSMACT: 1 << 13, TXFIFOHE: 1 << 14 };
const AXI_SRAM_BUFFER = 0x2404_0000;

/**
 * Drives the board's SDMMC1 through its registers as the HAL does (identification at a slow clock, then
 * CMD24 through the FIFO and CMD25 by IDMA), advancing the board clock while the CPU is stopped.
 */
function sdmmcDriver(board: DaisyBoard) {
  const r = (o: number) => board.bus.read32(SDMMC1 + o);
  const w = (o: number, v: number) => board.bus.write32(SDMMC1 + o, v);
  const poll = (done: () => boolean) => {
    for (let i = 0; i < 10_000_000 && !done(); i++) {
      board.clock.cycles += 40;
      if (board.clock.nextEventAt <= board.clock.cycles) board.clock.runDue();
    }
    expect(done()).toBe(true);
  };
  const command = (index: number, arg: number, bits: number) => {
    w(R.ARGR, arg);
    w(R.CMDR, index | bits | CPSMEN);
    poll(() => (r(R.STAR) & (STA.CMDREND | STA.CCRCFAIL | STA.CTIMEOUT | STA.CMDSENT)) !== 0 && (r(R.STAR) & STA.CPSMACT) === 0);
    const sta = r(R.STAR);
    w(R.ICR, 0x0020_00c5);
    expect(sta & STA.CTIMEOUT).toBe(0);
    return r(R.RESP1);
  };
  const identify = () => {
    w(R.CLKCR, 250);
    w(R.POWER, 3);
    command(0, 0, 0);
    command(8, 0x1aa, SHORT);
    let ocr = 0;
    for (let i = 0; i < 10 && !(ocr & (1 << 31)); i++) {
      command(55, 0, SHORT);
      ocr = command(41, 0xc110_0000, SHORT);
    }
    command(2, 0, LONG);
    const rca = command(3, 0, SHORT) >>> 16;
    command(7, rca << 16, SHORT);
    w(R.CLKCR, 2);
    return rca;
  };
  /** CMD24: one block through the FIFO, 8 words at each TXFIFOHE. */
  const writeBlockFifo = (block: number, data: Uint8Array) => {
    const words = new DataView(data.buffer, data.byteOffset, 512);
    w(R.DTIMER, 0xffff_ffff);
    w(R.DLENR, 512);
    w(R.DCTRL, 9 << 4);
    command(24, block, SHORT | CMDTRANS);
    let sent = 0;
    poll(() => {
      if (r(R.STAR) & STA.TXFIFOHE && sent < 128) for (let i = 0; i < 8; i++, sent++) w(R.FIFOR, words.getUint32(sent * 4, true));
      return (r(R.STAR) & STA.DATAEND) !== 0;
    });
    w(R.ICR, STA.DATAEND);
    w(R.DCTRL, 0);
  };
  /** CMD13 until the card is back in tran (state 4, SD spec "Card Status") after programming. */
  const waitTran = (rca: number) => {
    for (let i = 0; i < 100 && ((command(13, rca << 16, SHORT) >>> 9) & 0xf) !== 4; i++);
  };
  /** CMD25: blocks from AXI SRAM by IDMA, then CMD12 (CMDSTOP). */
  const writeBlocksIdma = (block: number, data: Uint8Array) => {
    for (let i = 0; i < data.length; i++) board.bus.write8(AXI_SRAM_BUFFER + i, data[i]);
    w(R.DTIMER, 0xffff_ffff);
    w(R.DLENR, data.length);
    w(R.DCTRL, 9 << 4);
    w(R.IDMABASE0R, AXI_SRAM_BUFFER);
    w(R.IDMACTRLR, 1);
    command(25, block, SHORT | CMDTRANS);
    poll(() => (r(R.STAR) & STA.DATAEND) !== 0);
    w(R.ICR, STA.DATAEND);
    w(R.DCTRL, 0);
    w(R.IDMACTRLR, 0);
    command(12, 0, SHORT | CMDSTOP);
  };
  return { identify, writeBlockFifo, writeBlocksIdma, waitTran };
}

describe('seedsim run/bench --sd-out', () => {
  it('saves what the firmware wrote through SDMMC1: the written blocks replaced, the rest as the input, the input file untouched', () => {
    const input = inputImage('write.img');
    const outPath = join(tmp, 'write-out.img');
    const sdOut = sdCardOutput({ sd: input.path, 'sd-out': outPath }, new Uint8Array(readFileSync(input.path)))!;
    const board = new DaisyBoard(readElf(elf('fix-sdram-ctor')), { sdCard: sdOut.newCard(), timing: 'ideal' });
    // Let the firmware's board_init program the PLLs (SDMMC1 kernel clock: pll1_q), then stop the CPU.
    board.run({ maxCycles: 2_000_000 });
    expect(board.cpuHz).toBe(400_000_000);

    const one = new Uint8Array(512).map((_, i) => (i * 5 + 1) & 0xff);
    const two = new Uint8Array(1024).map((_, i) => 0xff - (i & 0xff));
    const sd = sdmmcDriver(board);
    const rca = sd.identify();
    sd.writeBlockFifo(5, one);
    sd.waitTran(rca);
    sd.writeBlocksIdma(9, two);

    const stderr: string[] = [];
    sdOut.finish((t) => stderr.push(t));
    expect(stderr).toEqual([`SD card: 3 blocks written, image saved to ${outPath}\n`]);
    const expected = input.bytes.slice();
    expected.set(one, 5 * 512);
    expected.set(two, 9 * 512);
    const saved = new Uint8Array(readFileSync(outPath));
    expect(saved.length).toBe(expected.length);
    expect(Buffer.compare(saved, expected)).toBe(0);
    expect(Buffer.compare(readFileSync(input.path), input.bytes)).toBe(0);
  });

  it('counts the blocks over every board the card was in (bench with several images) and says "1 block" for one', () => {
    const image = new Uint8Array(512 * 1024);
    const path = join(tmp, 'count.img');
    const sdOut = new SdCardOutput(path, image);
    expect(sdOut.save()).toBe(`SD card: nothing written; image saved unchanged to ${path}`);
    /** The card model's own commands: identification, select, then CMD24 and one block. */
    const writeOne = (card: SdCard, block: number, fill: number) => {
      card.command(0, 0);
      card.command(8, 0x1aa);
      for (let i = 0; i < 10 && card.currentState === 'idle'; i++) {
        card.command(55, 0);
        card.command(41, 0xc110_0000);
      }
      card.command(2, 0);
      card.command(3, 0);
      card.command(7, card.rca << 16);
      expect(card.command(24, block)?.data).toBe('write');
      card.writeBlock(new Uint8Array(512).fill(fill));
      card.programmed();
    };
    writeOne(sdOut.newCard(), 3, 0x11);
    expect(sdOut.save()).toBe(`SD card: 1 block written, image saved to ${path}`);
    writeOne(sdOut.newCard(), 4, 0x22);
    expect(sdOut.blocksWritten).toBe(2);
    expect(sdOut.save()).toBe(`SD card: 2 blocks written, image saved to ${path}`);
    const saved = readFileSync(path);
    expect([saved[3 * 512 - 1], saved[3 * 512], saved[4 * 512 - 1], saved[4 * 512], saved[5 * 512 - 1], saved[5 * 512]]).toEqual([0, 0x11, 0x11, 0x22, 0x22, 0]);
  });

  it('saves the image unchanged when the firmware does not write, and says so', async () => {
    const input = inputImage('plain.img');
    const outPath = join(tmp, 'plain-out.img');
    const { code, stderr } = await runCli('run', elf('fix-sdram-ctor'), '--seconds', '0.005', '--timing', 'ideal', '--sd', input.path, '--sd-out', outPath);
    expect(code).toBe(0);
    expect(stderr).toContain(`SD card: nothing written; image saved unchanged to ${outPath}\n`);
    expect(Buffer.compare(readFileSync(outPath), input.bytes)).toBe(0);
  });

  it('saves after a fault (exit 1) and after --json', async () => {
    const input = inputImage('fault.img');
    const outPath = join(tmp, 'fault-out.img');
    const { code, stdout, stderr } = await runCli('run', elf('bug-sdram-ctor'), '--seconds', '0.01', '--sd', input.path, '--sd-out', outPath, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).fault.exception).toBe('HardFault');
    expect(stderr).toContain(`SD card: nothing written; image saved unchanged to ${outPath}\n`);
    expect(Buffer.compare(readFileSync(outPath), input.bytes)).toBe(0);
  });

  it('saves when the command fails with an error after the board was built', async () => {
    const input = inputImage('error.img');
    const outPath = join(tmp, 'error-out.img');
    // --output into a missing directory: the WAV write throws at the end of the run.
    await expect(
      runCli('run', elf('fix-sdram-ctor'), '--cycles', '1000', '--sd', input.path, '--sd-out', outPath, '--output', join(tmp, 'missing', 'x.wav')),
    ).rejects.toThrow(/ENOENT/);
    expect(Buffer.compare(readFileSync(outPath), input.bytes)).toBe(0);
  });

  it('bench saves the card too', async () => {
    const input = inputImage('bench.img');
    const outPath = join(tmp, 'bench-out.img');
    const { code, stderr } = await runCli('bench', elf('audio-o2'), '--blocks', '2', '--timing', 'ideal', '--sd', input.path, '--sd-out', outPath);
    expect(code).toBe(0);
    expect(stderr).toContain(`SD card: nothing written; image saved unchanged to ${outPath}\n`);
    expect(Buffer.compare(readFileSync(outPath), input.bytes)).toBe(0);
  });

  it('is a usage error (exit 2) without --sd, onto the --sd file itself, or into a missing directory; nothing is written', async () => {
    const input = inputImage('usage.img');
    const noSd = await runCli('run', elf('fix-sdram-ctor'), '--sd-out', join(tmp, 'no-sd.img'));
    expect(noSd.code).toBe(2);
    expect(noSd.stderr).toBe('seedsim run: --sd-out: needs --sd FILE, the card image to start from\n');
    expect(existsSync(join(tmp, 'no-sd.img'))).toBe(false);
    expect((await runCli('bench', elf('audio-o2'), '--sd-out', join(tmp, 'no-sd.img'))).code).toBe(2);

    const same = await runCli('run', elf('fix-sdram-ctor'), '--sd', input.path, '--sd-out', join(tmp, '.', 'usage.img'));
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('is the --sd image');
    expect(Buffer.compare(readFileSync(input.path), input.bytes)).toBe(0);

    const missing = await runCli('run', elf('fix-sdram-ctor'), '--sd', input.path, '--sd-out', join(tmp, 'missing', 'out.img'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such directory');
  });

  it('documents --sd-out in the help of run and bench', async () => {
    for (const command of ['run', 'bench']) expect((await runCli(command, '--help')).stdout).toMatch(/--sd-out FILE +with --sd: when the run ends/);
  });
});
