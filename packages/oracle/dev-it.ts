import { readFileSync } from 'node:fs';
import { Unicorn } from './src/unicorn.js';
const u = new Unicorn();
const code = u.map(0x08000000, 0x10000);
code.bytes.set(readFileSync('/tmp/proto/it4.bin'));
u.writeReg(129, 0); u.writeReg(120, 0x01000000); // Z clear: EQ fails
let pc = 0x08000000;
for (let i = 0; i < 4; i++) { const e = u.step(pc); const r = u.snapshot(); pc = r[15]; console.log(e, pc.toString(16), r[16].toString(16), 'r1,r2', r[1], r[2]); }
