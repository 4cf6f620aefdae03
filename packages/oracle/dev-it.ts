import { Unicorn } from './src/unicorn.js';
const words = [0xbfad, 0xf54b, 0x60f4, 0xb5c6, 0x9d92, 0xf383, 0x8800, 0xbf00, 0xbf00];
for (const mode of ['until', 'step']) {
  const u = new Unicorn(); const c = u.map(0x08000000, 0x1000); u.map(0x20000000, 0x10000);
  words.forEach((w, i) => { c.bytes[2 * i] = w & 0xff; c.bytes[2 * i + 1] = w >> 8; });
  u.writeCore(13, 0x20008000); u.writeCore(11, 0x20000000);
  u.writeReg(120, 0x01000000 | 0x00000000); // GE true (N==V)
  if (mode === 'until') { const e = u.run(0x08000000, 0x0800000e, 16, 0); console.log(mode, e, u.errorText(e), u.readCore(15).toString(16)); }
  else { let pc = 0x08000000; for (let i = 0; i < 6; i++) { const e = u.step(pc); pc = u.readCore(15); console.log(mode, e, pc.toString(16), u.readReg(120).toString(16)); } }
}
