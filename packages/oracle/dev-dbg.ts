import { Rng } from './src/generate/rng.js';
import { StreamGenerator } from './src/generate/stream.js';
import { Unicorn } from './src/unicorn.js';
import { hexEncoding } from './src/generate/item.js';
const repro = {"pc":"0x08008016","code":"bf21 ba78 cf20","before":{"r":["0x00007fff","0xba838e6d","0xb7e3b27a","0x80007ffe","0x60040000","0x00ff80ff","0x0000003c","0x20007c00","0xda46a61f","0x000000cc","0x200080b8","0x20007e88","0x20007e48","0x20008300","0xaf5da3d0","0x08008016"],"apsr":"0x60040000"},"memory":[{"address":"0x20007c00","size":4,"value":"0x0000005f","write":false}]};
const g = new StreamGenerator(new Rng((31337 ^ 0x5eed5117) >>> 0 | 0), {});
let block; for (let i = 0; i < 607; i++) block = g.nextBlock();
for (const it of block!.items) console.log(it.address.toString(16), hexEncoding(it), it.template);
const u = new Unicorn(); const code = u.map(0x08000000, 0x10000); u.map(0x20000000, 0x10000);
code.bytes.set(block!.code, 0x8000);
repro.before.r.forEach((v: string, i: number) => { if (i < 15) u.writeCore(i, parseInt(v, 16)); });
u.writeReg(129, parseInt(repro.before.apsr, 16)); u.writeReg(120, (parseInt(repro.before.apsr, 16) | 0x01000000) >>> 0);
let pc = parseInt(repro.pc, 16);
for (let i = 0; i < 4; i++) { const e = u.step(pc); const r = u.snapshot(); console.log('step', e, 'pc', r[15].toString(16), 'r2', r[2].toString(16), 'xpsr', r[16].toString(16)); pc = r[15]; }
