import { Lockstep } from './src/lockstep.js';
import { unicornCoreFactory } from './src/unicorn-core.js';
const ls = new Lockstep({ seed: Number(process.argv[2] ?? 1), core: unicornCoreFactory(), fp: process.argv[5] === 'fp', only: process.argv[4] || undefined });
const t = performance.now();
const r = ls.run(Number(process.argv[3] ?? 20000));
console.log(r.faultSamples); console.log(r.instructions, r.mismatchCount, r.blocks, r.bothFaulted, ((performance.now() - t) / 1000).toFixed(2) + 's');
console.log([...r.classCounts].sort().map(([k, v]) => `${k}:${v}`).join(' '));
for (const m of r.mismatches.slice(0, 5)) console.log(m.pc.toString(16), m.items.map((i) => i.template + ' ' + i.halfwords.map((h) => h.toString(16)).join(' ')), m.differences, m.unicornError, m.coreError);
