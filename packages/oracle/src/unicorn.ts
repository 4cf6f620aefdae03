/**
 * A binding to Unicorn Engine 2 (libunicorn.so.2) through koffi: an ARM Thumb CPU with the Cortex-M7
 * model, memory mapped on native buffers that JavaScript reads directly, registers read in one batch.
 * Node-only (the oracle is a development tool; DESIGN.md principle 7 exempts it).
 */
import koffi from 'koffi';
import { UC_ARCH, UC_ARM_REG, UC_CPU_ARM, UC_CTL, UC_CTL_IO, UC_ERR, UC_MODE, UC_PROT, coreRegId, ucCtl } from './unicorn-consts.js';

/** Thrown when libunicorn.so.2 cannot be loaded: the oracle cannot run at all. */
export class UnicornUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Unicorn Engine 2 is not available (${libraryName()} could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}); install it with: apt-get install -y libunicorn2`);
    this.name = 'UnicornUnavailableError';
  }
}

/** A Unicorn API call returned an error code. */
export class UnicornError extends Error {
  constructor(
    readonly call: string,
    readonly code: number,
    message: string,
  ) {
    super(`${call} failed: ${message} (uc_err ${code})`);
    this.name = 'UnicornError';
  }
}

interface UnicornApi {
  version: (major: null, minor: null) => number;
  open: (arch: number, mode: number, out: unknown[]) => number;
  close: (uc: unknown) => number;
  ctl: (uc: unknown, control: number, ...typedArgs: unknown[]) => number;
  strerror: (code: number) => string;
  memMapPtr: (uc: unknown, address: number, size: number, perms: number, ptr: unknown) => number;
  memRead: (uc: unknown, address: number, out: Uint8Array, size: number) => number;
  memWrite: (uc: unknown, address: number, bytes: Uint8Array, size: number) => number;
  regRead: (uc: unknown, regid: number, out: Uint32Array) => number;
  regWrite: (uc: unknown, regid: number, value: Uint32Array) => number;
  regReadBatch: (uc: unknown, regs: unknown, vals: unknown, count: number) => number;
  emuStart: (uc: unknown, begin: number, until: number, timeout: number, count: number) => number;
}

let api: UnicornApi | null = null;
let loadFailure: unknown = null;

/** The library to load: libunicorn.so.2, or the path in SEEDSIM_UNICORN_LIB (for another build). */
function libraryName(): string {
  const override = typeof process !== 'undefined' ? process.env.SEEDSIM_UNICORN_LIB : undefined;
  return override && override.length > 0 ? override : 'libunicorn.so.2';
}

/** Loads libunicorn.so.2 once; throws {@link UnicornUnavailableError} when it is absent. */
export function loadUnicorn(): UnicornApi {
  if (api) return api;
  if (loadFailure) throw new UnicornUnavailableError(loadFailure);
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(libraryName());
  } catch (error) {
    loadFailure = error;
    throw new UnicornUnavailableError(error);
  }
  api = {
    version: lib.func('unsigned int uc_version(unsigned int *major, unsigned int *minor)'),
    open: lib.func('int uc_open(int arch, int mode, _Out_ void **uc)'),
    close: lib.func('int uc_close(void *uc)'),
    ctl: lib.func('int uc_ctl(void *uc, int control, ...)'),
    strerror: lib.func('const char *uc_strerror(int code)'),
    memMapPtr: lib.func('int uc_mem_map_ptr(void *uc, uint64_t address, size_t size, uint32_t perms, void *ptr)'),
    memRead: lib.func('int uc_mem_read(void *uc, uint64_t address, _Out_ uint8_t *bytes, size_t size)'),
    memWrite: lib.func('int uc_mem_write(void *uc, uint64_t address, const uint8_t *bytes, size_t size)'),
    regRead: lib.func('int uc_reg_read(void *uc, int regid, _Out_ uint32_t *value)'),
    regWrite: lib.func('int uc_reg_write(void *uc, int regid, const uint32_t *value)'),
    regReadBatch: lib.func('int uc_reg_read_batch(void *uc, void *regs, void *vals, int count)'),
    emuStart: lib.func('int uc_emu_start(void *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)'),
  };
  return api;
}

/** True when libunicorn.so.2 can be loaded on this machine. */
export function unicornAvailable(): boolean {
  try {
    loadUnicorn();
    return true;
  } catch {
    return false;
  }
}

/** Why the library could not be loaded, or null when it can. */
export function unicornLoadProblem(): string | null {
  try {
    loadUnicorn();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A region of guest memory backed by native memory that both Unicorn and JavaScript see. */
export interface MappedRegion {
  readonly base: number;
  readonly size: number;
  /** The guest bytes; writes here change guest memory (but not code Unicorn already translated). */
  readonly bytes: Uint8Array;
}

/** Register file snapshot layout (indices into {@link Unicorn.regs}). */
export const SNAP_R0 = 0; // r0–r15 at 0–15
export const SNAP_XPSR = 16;
export const SNAP_FPSCR = 17;
export const SNAP_S0 = 18; // s0–s31 at 18–49
export const SNAP_COUNT = 50;

const PAGE = 0x1000;

/**
 * One Unicorn engine: ARM in Thumb mode with the CPU model set to Cortex-M7 through uc_ctl
 * (not UC_MODE_MCLASS, which selects a Cortex-M33 in 2.0.1: ../shared/reference/unicorn-oracle.md).
 */
export class Unicorn {
  private readonly api: UnicornApi;
  private handle: unknown;
  private readonly regions: MappedRegion[] = [];
  /** Keeps the native buffers alive as long as the engine. */
  private readonly natives: unknown[] = [];
  private readonly one = new Uint32Array(2);
  /** Batch read machinery: ids, pointers to 8-byte slots, the slots. */
  private readonly batchIds: unknown;
  private readonly batchPtrs: unknown;
  private readonly batchSlots: unknown;
  private readonly slots: Uint32Array;
  /** The last snapshot taken by {@link snapshot}: r0–r15, xPSR, FPSCR, s0–s31. */
  readonly regs = new Uint32Array(SNAP_COUNT);

  constructor() {
    this.api = loadUnicorn();
    const out: unknown[] = [null];
    this.check('uc_open', this.api.open(UC_ARCH.ARM, UC_MODE.THUMB, out));
    this.handle = out[0];
    this.check('uc_ctl(CPU_MODEL)', this.api.ctl(this.handle, ucCtl(UC_CTL.CPU_MODEL, 1, UC_CTL_IO.WRITE), 'int', UC_CPU_ARM.CORTEX_M7));

    this.batchIds = koffi.alloc('int', SNAP_COUNT);
    this.batchSlots = koffi.alloc('uint64_t', SNAP_COUNT);
    this.batchPtrs = koffi.alloc('void *', SNAP_COUNT);
    const ids = new Int32Array(koffi.view(this.batchIds, SNAP_COUNT * 4));
    for (let i = 0; i < 16; i++) ids[SNAP_R0 + i] = coreRegId(i);
    ids[SNAP_XPSR] = UC_ARM_REG.XPSR;
    ids[SNAP_FPSCR] = UC_ARM_REG.FPSCR;
    for (let i = 0; i < 32; i++) ids[SNAP_S0 + i] = UC_ARM_REG.S0 + i;
    const slotBase = koffi.address(this.batchSlots);
    const ptrs = new BigUint64Array(koffi.view(this.batchPtrs, SNAP_COUNT * 8));
    for (let i = 0; i < SNAP_COUNT; i++) ptrs[i] = slotBase + BigInt(i * 8);
    this.slots = new Uint32Array(koffi.view(this.batchSlots, SNAP_COUNT * 8));
  }

  /** The library version as "major.minor.patch" (uc_version packs major, minor, patch, extra in bytes 3–0). */
  static version(): string {
    const v = loadUnicorn().version(null, null);
    return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}`;
  }

  /** Reads back the CPU model id (enum uc_cpu_arm). */
  cpuModel(): number {
    const out = new Int32Array(1);
    this.check('uc_ctl(CPU_MODEL read)', this.api.ctl(this.handle, ucCtl(UC_CTL.CPU_MODEL, 1, UC_CTL_IO.READ), 'int *', out));
    return out[0];
  }

  /** Maps `size` bytes (a multiple of 4 KiB) at `base` (4 KiB aligned) on fresh zeroed native memory. */
  map(base: number, size: number, perms: number = UC_PROT.ALL): MappedRegion {
    if (base % PAGE !== 0 || size % PAGE !== 0 || size <= 0) {
      throw new RangeError(`Unicorn maps whole 4 KiB pages: base 0x${base.toString(16)} size 0x${size.toString(16)}`);
    }
    const native = koffi.alloc('uint8_t', size);
    const bytes = new Uint8Array(koffi.view(native, size));
    bytes.fill(0);
    this.check('uc_mem_map_ptr', this.api.memMapPtr(this.handle, base, size, perms, native));
    this.natives.push(native);
    const region = { base, size, bytes };
    this.regions.push(region);
    return region;
  }

  /**
   * Writes guest memory through Unicorn. Measured on 2.0.1: this does NOT drop translated blocks of
   * the bytes it changes; call {@link invalidateCode} after changing code.
   */
  writeMemory(address: number, data: Uint8Array): void {
    this.check('uc_mem_write', this.api.memWrite(this.handle, address, data, data.length));
  }

  readMemory(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.check('uc_mem_read', this.api.memRead(this.handle, address, out, length));
    return out;
  }

  /**
   * Drops the translated blocks covering [begin, end) (UC_CTL_TB_REMOVE_CACHE): call after changing
   * code. Measured: about 15 µs, where a full flush costs about 400 ms.
   */
  invalidateCode(begin: number, end: number): void {
    this.check(
      'uc_ctl(TB_REMOVE_CACHE)',
      this.api.ctl(this.handle, ucCtl(UC_CTL.TB_REMOVE_CACHE, 2, UC_CTL_IO.WRITE), 'uint64_t', begin >>> 0, 'uint64_t', end >>> 0),
    );
  }

  /** Drops every translated block (UC_CTL_TB_FLUSH). Slow in 2.0.1 (about 400 ms): prefer {@link invalidateCode}. */
  flushTranslations(): void {
    this.check('uc_ctl(TB_FLUSH)', this.api.ctl(this.handle, ucCtl(UC_CTL.TB_FLUSH, 0, UC_CTL_IO.WRITE)));
  }

  readReg(id: number): number {
    this.check('uc_reg_read', this.api.regRead(this.handle, id, this.one));
    return this.one[0];
  }

  writeReg(id: number, value: number): void {
    this.one[0] = value >>> 0;
    this.check('uc_reg_write', this.api.regWrite(this.handle, id, this.one));
  }

  /** Writes a 64-bit register (D0–D15) from its low and high words. */
  writeReg64(id: number, low: number, high: number): void {
    this.one[0] = low >>> 0;
    this.one[1] = high >>> 0;
    this.check('uc_reg_write', this.api.regWrite(this.handle, id, this.one));
  }

  readCore(n: number): number {
    return this.readReg(coreRegId(n));
  }

  writeCore(n: number, value: number): void {
    this.writeReg(coreRegId(n), value);
  }

  /** Reads r0–r15, xPSR, FPSCR and s0–s31 in one call into {@link regs}. */
  snapshot(): Uint32Array {
    this.check('uc_reg_read_batch', this.api.regReadBatch(this.handle, this.batchIds, this.batchPtrs, SNAP_COUNT));
    const slots = this.slots;
    const regs = this.regs;
    for (let i = 0; i < SNAP_COUNT; i++) regs[i] = slots[i * 2];
    return regs;
  }

  /**
   * Runs from `address` (Thumb, bit 0 is set here) until `until`, at most `count` instructions
   * (0: no limit) or `timeoutMicros` (0: none). Note that a timeout makes Unicorn start a timer
   * thread per call (about 100 µs measured on the dev machine), so single steps pass none: one
   * instruction cannot run forever. Returns the uc_err code (0 when it stopped normally).
   */
  run(address: number, until: number, count: number, timeoutMicros: number): number {
    return this.api.emuStart(this.handle, (address | 1) >>> 0, until >>> 0, timeoutMicros, count);
  }

  /**
   * Executes one instruction at `pc`. Not reliable at or inside IT blocks in 2.0.1 (measured: a
   * step may retire the IT with part or all of its block, and may report a PC behind the
   * instructions it executed): Lockstep runs IT blocks with {@link run} and an `until` instead.
   */
  step(pc: number): number {
    return this.run(pc, 0xffffffff, 1, 0);
  }

  errorText(code: number): string {
    return this.api.strerror(code);
  }

  close(): void {
    if (this.handle) {
      this.api.close(this.handle);
      this.handle = null;
    }
    for (const native of this.natives) koffi.free(native);
    this.natives.length = 0;
    koffi.free(this.batchIds);
    koffi.free(this.batchSlots);
    koffi.free(this.batchPtrs);
  }

  private check(call: string, code: number): void {
    if (code !== UC_ERR.OK) throw new UnicornError(call, code, this.api.strerror(code));
  }
}
