import { spawnSync } from 'node:child_process';

const MANGLED = /\b_Z[A-Za-z0-9_]+/g;
const TOOLS = ['arm-none-eabi-c++filt', 'c++filt'];
let tool: string | null | undefined;

function findTool(): string | null {
  if (tool !== undefined) return tool;
  tool = null;
  for (const candidate of TOOLS) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) {
      tool = candidate;
      break;
    }
  }
  return tool;
}

/**
 * Shows C++ names as people write them (`Callback(float const* const*, float**, unsigned int)` for
 * `_Z8CallbackPKPKfPPfj`) in terminal output, using binutils' c++filt when it is installed; the
 * text is returned unchanged otherwise. JSON output keeps the linker's names.
 */
export function demangleText(text: string): string {
  const names = [...new Set(text.match(MANGLED) ?? [])];
  if (names.length === 0) return text;
  const map = demangleNames(names);
  return map.size === 0 ? text : text.replace(MANGLED, (n) => map.get(n) ?? n);
}

/**
 * The C++ names of linker names (`_ZN7daisysp6Chorus7ProcessEf` → `daisysp::Chorus::Process(float)`),
 * through c++filt; empty when it is not installed.
 */
export function demangleNames(names: readonly string[]): Map<string, string> {
  const filt = findTool();
  if (!filt || names.length === 0) return new Map();
  const result = spawnSync(filt, [], { input: names.join('\n') + '\n', encoding: 'utf8' });
  if (result.status !== 0) return new Map();
  const demangled = result.stdout.split('\n');
  return new Map(names.map((n, i) => [n, demangled[i] || n]));
}

/**
 * The linker names among `names` whose C++ name is `wanted`: written in full (`daisysp::Chorus::Process(float)`)
 * or without its parameter list (`daisysp::Chorus::Process`, which overloads share).
 */
export function linkerNamesOf(names: readonly string[], wanted: string): string[] {
  const cxx = demangleNames(names.filter((n) => n.startsWith('_Z')));
  return [...cxx].filter(([, name]) => name === wanted || name.replace(/\(.*\)( const)?$/, '') === wanted).map(([linker]) => linker);
}
