#!/usr/bin/env node
// The seedsim command: runs from the bundle of the sources (bundle.js says why), rebuilt when a source
// changed; from the TypeScript sources through tsx's loader when no bundle can be built.
import { loadBundle } from './bundle.js';

let main;
const bundle = await loadBundle();
if (bundle !== null) main = bundle.main;
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
