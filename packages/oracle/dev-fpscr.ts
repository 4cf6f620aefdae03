import { Unicorn } from './src/unicorn.js';
const u = new Unicorn(); const c = u.map(0x08000000, 0x1000); c.bytes.set([0xbf, 0xf3, 0x2f, 0x8f, 0x80, 0xee, 0x0a, 0x5b, 0, 0xbf]);
u.writeReg(6, 0xd300009f); console.log('before first run', u.readReg(6).toString(16));
u.step(0x08000000); console.log('after clrex', u.readReg(6).toString(16));
u.step(0x08000004); console.log('after vdiv', u.readReg(6).toString(16));
u.writeReg(6, 0xd300009f); u.step(0x08000004); console.log('again vdiv', u.readReg(6).toString(16));
