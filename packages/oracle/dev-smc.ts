import { Unicorn } from './src/unicorn.js';
import koffi from 'koffi';
const u = new Unicorn();
const code = u.map(0x08000000, 0x10000);
// movs r0,#1 ; nop
u.writeMemory(0x08000000, new Uint8Array([0x01, 0x20, 0x00, 0xbf]));
u.step(0x08000000); console.log('r0', u.readCore(0));
u.writeMemory(0x08000000, new Uint8Array([0x02, 0x20, 0x00, 0xbf]));
u.step(0x08000000); console.log('after uc_mem_write r0', u.readCore(0));
code.bytes.set([0x03, 0x20], 0);
u.step(0x08000000); console.log('after direct write r0', u.readCore(0));
const lib = koffi.load('libunicorn.so.2');
const ctl = lib.func('int uc_ctl(void *uc, int control, ...)');
const h = (u as any).handle;
const t = performance.now();
const e = ctl(h, (9 | (2 << 26) | (1 << 30)) | 0, 'uint64_t', 0x08000000, 'uint64_t', 0x08000100);
console.log('remove cache', e, performance.now() - t, 'ms');
u.step(0x08000000); console.log('after remove_cache r0', u.readCore(0));
