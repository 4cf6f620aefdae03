/**
 * Boots a fixture ELF in Unicorn Engine 2 (libunicorn.so.2 through koffi) with an "everything is ready"
 * peripheral model, to check the fixtures' boot code independently of seedsim's own core:
 * every status bit the firmware polls reads as done (RCC ready bits follow their ON bits, SWS follows SW,
 * PWR VOSRDY/ACTVOSRDY, QUADSPI TCF|FTF|SMF with BUSY clear, SAI FIFO level non-zero), DWT CYCCNT advances
 * on each read, and every other peripheral or system register is plain memory. Unicorn has no NVIC or
 * exception model and stops at WFI (../shared/reference/unicorn-oracle.md), so interrupt handlers are
 * called as plain functions. All memory-mapped writes are logged in order, with the position of the
 * first SDRAM and QSPI-window access, so tests can check what happened before what.
 * Node-only test helper (never part of the browser bundle).
 */
import koffi, { type TypeObject } from 'koffi';

import type { ElfFile } from './elf-reader.js';

// Values from /usr/include/unicorn/unicorn.h and arm.h (printed by a C program against the headers).
const UC_ARCH_ARM = 1;
const UC_MODE_THUMB = 16;
const UC_CPU_ARM_CORTEX_M7 = 10;
const UC_CTL_CPU_MODEL_WRITE = (7 | (1 << 26) | (1 << 30)) | 0; // UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1)
const UC_HOOK_MEM_READ = 1024;
const UC_HOOK_MEM_WRITE = 2048;
const UC_HOOK_MEM_UNMAPPED = 112;
const UC_MEM_WRITE = 17; // uc_mem_type
const UC_PROT_ALL = 7;
const UC_PROT_RW = 3;
export const REG = { R0: 66, R1: 67, R2: 68, SP: 12, LR: 10, PC: 11 } as const;

/** Guest RAM of the STM32H750 + Daisy Seed (RM0433 memory map; sizes page-aligned). */
const MEMORIES: [number, number][] = [
  [0x0000_0000, 0x1_0000], // ITCM
  [0x0800_0000, 0x2_0000], // flash
  [0x2000_0000, 0x2_0000], // DTCM
  [0x2400_0000, 0x8_0000], // AXI SRAM
  [0x3000_0000, 0x4_8000], // D2 SRAM1-3
  [0x3800_0000, 0x1_0000], // SRAM4
  [0x3880_0000, 0x1000], // backup SRAM
  [0x9000_0000, 0x80_0000], // QSPI window (8 MB flash)
  [0xc000_0000, 0x400_0000], // SDRAM 64 MB
];
const DEVICE_PAGES: [number, number][] = [
  [0x4000_0000, 0x3_0000], // APB1/APB2/AHB1 (SAI1, DMA1, DMAMUX1, ...)
  [0x4800_0000, 0x3_0000], // AHB2
  [0x5000_0000, 0x1_0000], // APB3
  [0x5200_0000, 0x1_0000], // AHB3 (FLASH, FMC, QUADSPI)
  [0x5800_0000, 0x3_0000], // APB4/AHB4 (SYSCFG, GPIO, RCC, PWR)
  [0x5c00_0000, 0x1_0000], // DBGMCU
  [0xe000_0000, 0x10_0000], // private peripheral bus
];

export interface MmioWrite {
  seq: number;
  address: number;
  value: number;
  size: number;
}

/** The first access to a memory window: when (comparable with MmioWrite.seq), where, by which instruction. */
export interface FirstAccess {
  seq: number;
  address: number;
  write: boolean;
  pc: number;
}

export interface BootRun {
  /** Every write to 0x4000_0000-0x5FFF_FFFF and 0xE000_0000-0xE00F_FFFF, in order. */
  writes: MmioWrite[];
  /** Addresses of every peripheral (0x4000_0000-0x5FFF_FFFF) access, reads included. */
  peripheralAccesses: Set<number>;
  /** Sequence number of the first SDRAM / QSPI-window access (−1: none), comparable with writes[].seq. */
  firstSdramAccess: FirstAccess;
  firstQspiAccess: FirstAccess;
  unmapped: number[];
}

interface Api {
  open: (arch: number, mode: number, out: unknown[]) => number;
  close: (uc: unknown) => number;
  ctl: (uc: unknown, control: number, ...args: unknown[]) => number;
  memMap: (uc: unknown, address: number, size: number, perms: number) => number;
  memRead: (uc: unknown, address: number, out: Uint8Array, size: number) => number;
  memWrite: (uc: unknown, address: number, bytes: Uint8Array, size: number) => number;
  regRead: (uc: unknown, regid: number, out: Uint32Array) => number;
  regWrite: (uc: unknown, regid: number, value: Uint32Array) => number;
  emuStart: (uc: unknown, begin: number, until: number, timeout: number, count: number) => number;
  hookAdd: (uc: unknown, out: unknown[], type: number, callback: unknown, user: unknown, begin: number, end: number) => number;
  memHook: TypeObject;
  unmappedHook: TypeObject;
}

let api: Api | null | undefined;

/** The binding, or null when libunicorn.so.2 is not installed (tests then skip). */
export function unicorn(): Api | null {
  if (api !== undefined) return api;
  try {
    const lib = koffi.load('libunicorn.so.2');
    const memHook = koffi.proto('void SeedsimFixtureMemHook(void *uc, int type, uint64_t address, int size, int64_t value, void *user)');
    const unmappedHook = koffi.proto('bool SeedsimFixtureUnmappedHook(void *uc, int type, uint64_t address, int size, int64_t value, void *user)');
    api = {
      open: lib.func('int uc_open(int arch, int mode, _Out_ void **uc)'),
      close: lib.func('int uc_close(void *uc)'),
      ctl: lib.func('int uc_ctl(void *uc, int control, ...)'),
      memMap: lib.func('int uc_mem_map(void *uc, uint64_t address, size_t size, uint32_t perms)'),
      memRead: lib.func('int uc_mem_read(void *uc, uint64_t address, _Out_ uint8_t *bytes, size_t size)'),
      memWrite: lib.func('int uc_mem_write(void *uc, uint64_t address, const uint8_t *bytes, size_t size)'),
      regRead: lib.func('int uc_reg_read(void *uc, int regid, _Out_ uint32_t *value)'),
      regWrite: lib.func('int uc_reg_write(void *uc, int regid, const uint32_t *value)'),
      emuStart: lib.func('int uc_emu_start(void *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)'),
      hookAdd: lib.func('int uc_hook_add(void *uc, _Out_ size_t *hh, int type, void *callback, void *user, uint64_t begin, uint64_t end, ...)'),
      memHook,
      unmappedHook,
    };
  } catch {
    api = null;
  }
  return api;
}

function check(call: string, code: number): void {
  if (code !== 0) throw new Error(`${call} failed with uc_err ${code}`);
}

/** One engine with a fixture loaded by physical (load) address, as the Daisy boot ROM/bootloader would. */
export class FixtureMachine {
  private readonly uc: unknown;
  private readonly word = new Uint8Array(4);
  private readonly wordView = new DataView(this.word.buffer);
  private readonly reg = new Uint32Array(1);
  private readonly callbacks: bigint[] = [];
  private cycles = 0;
  private seq = 0;
  /** Extra values to return for reads of given addresses (e.g. DMA1_LISR while calling an ISR). */
  readonly overrides = new Map<number, number>();
  readonly run: BootRun = {
    writes: [],
    peripheralAccesses: new Set(),
    firstSdramAccess: { seq: -1, address: 0, write: false, pc: 0 },
    firstQspiAccess: { seq: -1, address: 0, write: false, pc: 0 },
    unmapped: [],
  };

  constructor(
    private readonly u: Api,
    elf: ElfFile,
  ) {
    const out: unknown[] = [null];
    check('uc_open', u.open(UC_ARCH_ARM, UC_MODE_THUMB, out));
    this.uc = out[0];
    check('uc_ctl', u.ctl(this.uc, UC_CTL_CPU_MODEL_WRITE, 'int', UC_CPU_ARM_CORTEX_M7));
    for (const [base, size] of MEMORIES) check('uc_mem_map', u.memMap(this.uc, base, size, UC_PROT_ALL));
    for (const [base, size] of DEVICE_PAGES) check('uc_mem_map', u.memMap(this.uc, base, size, UC_PROT_RW));
    for (const load of elf.loads) check('uc_mem_write', u.memWrite(this.uc, load.paddr, load.data, load.data.length));

    this.hook(UC_HOOK_MEM_READ, 0x4000_0000, 0x5fff_ffff, (type, address, size, value) => this.onDevice(type, address, size, value));
    this.hook(UC_HOOK_MEM_READ, 0xe000_0000, 0xe00f_ffff, (type, address, size, value) => this.onDevice(type, address, size, value));
    this.hook(UC_HOOK_MEM_WRITE, 0x4000_0000, 0x5fff_ffff, (type, address, size, value) => this.onDevice(type, address, size, value));
    this.hook(UC_HOOK_MEM_WRITE, 0xe000_0000, 0xe00f_ffff, (type, address, size, value) => this.onDevice(type, address, size, value));
    this.hook(UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, 0xc000_0000, 0xc3ff_ffff, (type, address) => this.first(this.run.firstSdramAccess, type, address));
    this.hook(UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, 0x9000_0000, 0x907f_ffff, (type, address) => this.first(this.run.firstQspiAccess, type, address));
    const unmapped = koffi.register((_uc: unknown, _type: number, address: number | bigint) => {
      this.run.unmapped.push(Number(address));
      return false;
    }, koffi.pointer(u.unmappedHook));
    this.callbacks.push(unmapped);
    check('uc_hook_add', u.hookAdd(this.uc, [null], UC_HOOK_MEM_UNMAPPED, unmapped, null, 1, 0));
  }

  private hook(type: number, begin: number, end: number, fn: (type: number, address: number, size: number, value: number) => void): void {
    const cb = koffi.register(
      (_uc: unknown, t: number, address: number | bigint, size: number, value: number | bigint) => fn(t, Number(address), size, Number(BigInt.asUintN(32, BigInt(value)))),
      koffi.pointer(this.u.memHook),
    );
    this.callbacks.push(cb);
    check('uc_hook_add', this.u.hookAdd(this.uc, [null], type, cb, null, begin, end));
  }

  private first(slot: FirstAccess, type: number, address: number): void {
    if (slot.seq < 0) {
      slot.seq = this.seq++;
      slot.address = address;
      slot.write = type === UC_MEM_WRITE;
      slot.pc = this.getReg(REG.PC);
    }
  }

  private onDevice(type: number, address: number, size: number, value: number): void {
    if (address >= 0x4000_0000 && address < 0x6000_0000) this.run.peripheralAccesses.add(address);
    if (type === UC_MEM_WRITE) {
      this.run.writes.push({ seq: this.seq++, address, value, size });
      return;
    }
    const word = (address & ~3) >>> 0;
    const override = this.overrides.get(word);
    if (override !== undefined) return this.store(word, override);
    switch (word) {
      case 0xe000_1004: // DWT_CYCCNT: advance so that delay loops end
        this.cycles = (this.cycles + 97) >>> 0;
        return this.store(word, this.cycles);
      case 0xe000_ed80: // CCSIDR of the Cortex-M7 16 KB 4-way D-cache (libdaisy-facts §8)
        return this.store(word, 0xf00f_e019);
      case 0x5802_4400: {
        // RCC_CR: HSERDY/PLLxRDY = bit after each ON bit; HSIRDY set
        const cr = this.load(word) & ~((1 << 17) | (1 << 25) | (1 << 27) | (1 << 29));
        let ready = 1 << 2;
        for (const on of [16, 24, 26, 28]) if (cr & (1 << on)) ready |= 1 << (on + 1);
        return this.store(word, cr | ready);
      }
      case 0x5802_4410: {
        const cfgr = this.load(word); // RCC_CFGR: SWS (5:3) follows SW (2:0)
        return this.store(word, (cfgr & ~0x38) | ((cfgr & 7) << 3));
      }
      case 0x5802_4804: // PWR_CSR1.ACTVOSRDY
      case 0x5802_4818: // PWR_D3CR.VOSRDY
        return this.store(word, this.load(word) | (1 << 13));
      case 0x5200_5008: // QUADSPI_SR: TCF | FTF | SMF, not BUSY
        return this.store(word, 0x0e);
      case 0x4001_5818: // SAI1_ASR: FIFO level 1
        return this.store(word, 1 << 16);
      default:
        return;
    }
  }

  load(address: number): number {
    check('uc_mem_read', this.u.memRead(this.uc, address, this.word, 4));
    return this.wordView.getUint32(0, true);
  }

  store(address: number, value: number): void {
    this.wordView.setUint32(0, value >>> 0, true);
    check('uc_mem_write', this.u.memWrite(this.uc, address, this.word, 4));
  }

  storeBytes(address: number, bytes: Uint8Array): void {
    check('uc_mem_write', this.u.memWrite(this.uc, address, bytes, bytes.length));
  }

  readBytes(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    check('uc_mem_read', this.u.memRead(this.uc, address, out, length));
    return out;
  }

  getReg(id: number): number {
    check('uc_reg_read', this.u.regRead(this.uc, id, this.reg));
    return this.reg[0]!;
  }

  setReg(id: number, value: number): void {
    this.reg[0] = value >>> 0;
    check('uc_reg_write', this.u.regWrite(this.uc, id, this.reg));
  }

  /** Runs from `pc` (Thumb) for at most `count` instructions; returns the uc_err code (0 = stopped normally). */
  start(pc: number, until: number, count: number): number {
    return this.u.emuStart(this.uc, (pc | 1) >>> 0, until, 20_000_000, count);
  }

  /** Calls a function with up to three word arguments; it returns to a `b .` placed at `trap`. */
  call(fn: number, args: number[], stack: number, trap: number): number {
    this.store(trap, 0xe7fe_e7fe); // two Thumb `b .`
    args.forEach((a, i) => this.setReg(REG.R0 + i, a));
    this.setReg(REG.SP, stack);
    this.setReg(REG.LR, trap | 1);
    return this.start(fn, trap, 5_000_000);
  }

  close(): void {
    this.u.close(this.uc);
    for (const cb of this.callbacks) koffi.unregister(cb);
  }
}
