import { writeFileSync } from 'node:fs';
import { Rng } from './src/generate/rng.js';
import { StreamGenerator } from './src/generate/stream.js';
const g = new StreamGenerator(new Rng(Number(process.argv[2] ?? 1)), { only: process.argv[3] });
const parts: Uint8Array[] = [];
for (let i = 0; i < Number(process.argv[4] ?? 4); i++) { const b = g.nextBlock(); parts.push(b.code); }
const total = parts.reduce((a, p) => a + p.length, 0); const out = new Uint8Array(total); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; }
writeFileSync('/tmp/proto/gen.bin', out);
