import { Rng } from './src/generate/rng.js';
import { StreamGenerator } from './src/generate/stream.js';
import { hexEncoding } from './src/generate/item.js';
const g = new StreamGenerator(new Rng(3 ^ 0x5eed5117), { only: 'it' });
for (let b = 0; b < 300; b++) {
  const block = g.nextBlock();
  const i = block.items.findIndex((it) => it.address === 0x8008036 && hexEncoding(it) === 'bfad');
  if (i >= 0) { console.log(block.items.slice(i, i + 5).map((x) => hexEncoding(x) + ' ' + x.template).join(' | ')); break; }
}
