/**
 * Library functions that must not run inside an interrupt handler, above all the audio interrupt, found in
 * the image's symbols by name (C, and C++ as g++ mangles it for the Itanium ABI on ARM).
 */
import type { SymbolTable } from '@seedsim/elf';

const HEAP = 'heap allocation: unbounded time, and newlib-nano\'s heap has no lock, so an interrupt that allocates while the main code is inside malloc corrupts it; allocate before StartAudio';
const WAIT = 'waits for milliseconds: inside an interrupt the audio block is lost for the whole wait, and from a handler at or above SysTick\'s priority it never returns';
const FILE = 'FatFS file access: waits on the SD card for milliseconds; stream through a buffer the main loop fills';

const PATTERNS: readonly [RegExp, string][] = [
  [/^_?(malloc|free|calloc|realloc|memalign)$|^_(malloc|free|calloc|realloc|memalign)_r$/, HEAP],
  [/^_Zn[wa][jm]/, HEAP], // operator new / new[] (size_t = unsigned int 'j' on ARM)
  [/^_Zd[la]Pv/, HEAP], // operator delete / delete[]
  [/^HAL_Delay$/, WAIT],
  // daisy::System::Delay (milliseconds). DelayUs/DelayTicks are left out: libDaisy itself uses them for
  // the few-microsecond waits of bit-banged shift registers (DaisyField's keyboard) from the callback.
  [/^_ZN5daisy6System5DelayE/, WAIT],
  [/^_ZN5daisy9DaisySeed7DelayMsE/, WAIT], // daisy::DaisySeed::DelayMs
  [/^f_(open|close|read|write|lseek|sync|mount|opendir|readdir|stat|unlink|gets|puts|printf)$/, FILE],
];

/**
 * Callers whose watched calls are not reported: library code the application cannot change, doing it
 * once. ST's USB device library allocates a class's state when the host configures the device, inside
 * the OTG interrupt (USBD_CDC_Init → USBD_malloc → calloc in libDaisy's usbd); reporting it would flag
 * every app that logs over USB.
 */
export function exemptCaller(caller: string): boolean {
  return /^USBD_/.test(caller);
}

/** The image's functions from PATTERNS with the reason each is wrong in a handler. */
export function blockingFunctions(symbols: SymbolTable): { address: number; name: string; reason: string }[] {
  const found: { address: number; name: string; reason: string }[] = [];
  for (const s of symbols.sizedSymbols) {
    if (s.kind !== 'function') continue;
    const hit = PATTERNS.find(([re]) => re.test(s.name));
    if (hit) found.push({ address: s.address, name: s.name, reason: hit[1] });
  }
  return found;
}
