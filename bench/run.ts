/**
 * npm run bench: runs every *.bench.ts in this folder one after another (each prints its own figures).
 */
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
  if (only.length > 0 && !only.some((o) => file.includes(o))) continue;
  console.log(`== ${file}`);
  execFileSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' });
}
