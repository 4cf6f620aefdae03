import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWav } from '@seedsim/daisy';
import { runCli } from './helpers.js';

const build = fileURLToPath(new URL('../../../firmware-fixtures/build/', import.meta.url));
const elf = (name: string) => join(build, `${name}.elf`);
const tmp = mkdtempSync(join(tmpdir(), 'seedsim-cli-'));

describe('seedsim run', () => {
  it('exits 1 and names the rule, symbol and function for a bug reproducer', async () => {
    const { code, stdout } = await runCli('run', elf('bug-sdram-ctor'), '--seconds', '0.01');
    expect(code).toBe(1);
    expect(stdout).toMatch(/rule sdram-before-init .* g_echo\+0x[0-9a-f]+ .* by _GLOBAL__sub_I_g_echo/);
    expect(stdout).toContain('call stack: _GLOBAL__sub_I_g_echo ← __libc_init_array ← Reset_Handler');
    // The write faults on hardware: a BusFault escalated to HardFault (FORCED), imprecise (stores are
    // buffered on the Cortex-M7, PM0253), so no BFAR; seedsim names the store the bus rejected.
    expect(stdout).toContain('CFSR.IMPRECISERR');
    expect(stdout).not.toContain('BFARVALID');
    expect(stdout).toMatch(/the write the bus rejected: _GLOBAL__sub_I_g_echo\+0x[0-9a-f]+ \(pc 0x[0-9a-f]+\) to 0xc00/);
    expect(stdout).toContain('HFSR.FORCED');
  });

  it('exits 0 on the corrected twin and stops at the simulated-time budget', async () => {
    const { code, stdout } = await runCli('run', elf('fix-sdram-ctor'), '--seconds', '0.01', '--timing', 'ideal');
    expect(code).toBe(0);
    expect(stdout).toContain('0.01 s of simulated time elapsed');
    expect(stdout).toContain('rules fired: none');
  });

  it('--strict stops at the first rule', async () => {
    const { code, stdout } = await runCli('run', elf('bug-dma-dtcm'), '--seconds', '0.05', '--strict', '--timing', 'ideal');
    expect(code).toBe(1);
    expect(stdout).toContain('stopped: rule dma-to-tcm fired (--strict)');
    expect(stdout.match(/^rule /gm)).toHaveLength(1);
  });

  it('--json writes the outcome and the events as records', async () => {
    const { code, stdout } = await runCli('run', elf('bug-qspi-early'), '--json', '--seconds', '0.01');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.rules[0]).toMatchObject({ rule: 'qspi-before-mapped', dataSymbol: 'qspi_wavetable' });
    expect(report.rules[0].location.startsWith('main')).toBe(true);
    expect(report.fault.exception).toBe('HardFault');
  });

  it('--cycles is a budget in CPU cycles', async () => {
    const { code, stdout } = await runCli('run', elf('audio-o2'), '--cycles', '1000000', '--timing', 'ideal');
    expect(code).toBe(0);
    expect(stdout).toContain('budget of 1000000 cycles used');
  });

  it('--output writes what the firmware sent to the codec as a WAV file', async () => {
    const out = join(tmp, 'out.wav');
    const { code } = await runCli('run', elf('audio-o2'), '--seconds', '0.05', '--sine', '440', '--timing', 'ideal', '--output', out);
    expect(code).toBe(0);
    const wav = parseWav(new Uint8Array(readFileSync(out)));
    expect(wav.channels).toHaveLength(2);
    // 50 ms at 48 014 Hz is 2400 frames; the SAI only starts after boot (about 5 ms), so at least 1500.
    expect(wav.channels[0].length).toBeGreaterThan(1500);
    expect(wav.sampleRate).toBe(48014);
    // A 440 Hz input through the effect chain comes out as signal, not silence.
    expect(Math.max(...wav.channels[0].map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli('run')).code).toBe(2);
    expect((await runCli('run', elf('audio-o2'), '--seconds', '-1')).code).toBe(2);
    expect((await runCli('run', elf('audio-o2'), '--revision', 'rev9')).code).toBe(2);
    expect((await runCli('run', elf('audio-o2'), '--seconds', '1', '--cycles', '5')).code).toBe(2);
  });
});

describe('seedsim bench', () => {
  it('reports cycles per callback, side by side, and gates on a baseline', async () => {
    const save = join(tmp, 'baseline.json');
    const first = await runCli('bench', elf('audio-o2'), elf('audio-sdram'), '--blocks', '8', '--save', save);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/callback AudioCallback \(called through a function pointer/);
    expect(first.stdout).toMatch(/cycles per callback: min [\d,]+ {2}median [\d,]+ {2}p99 [\d,]+ {2}max [\d,]+/);
    expect(first.stdout).toMatch(/audio-sdram\.elf\s+[\d,]+\s+\d\.\d\d/);

    const baseline = JSON.parse(readFileSync(save, 'utf8'));
    expect(baseline.results).toHaveLength(2);
    const median = baseline.results[0].callback.cycles.median;

    // Same firmware against its own baseline: within tolerance.
    const same = await runCli('bench', elf('audio-o2'), '--blocks', '8', '--baseline', save);
    expect(same.code).toBe(0);
    expect(same.stderr).toMatch(/baseline: audio-o2\.elf .*: ok/);

    // A baseline 20% faster than today: the median grew by 25% > 5%, so the gate fails.
    baseline.results[0].callback.cycles.median = median / 1.25;
    const tighter = join(tmp, 'tighter.json');
    writeFileSync(tighter, JSON.stringify(baseline));
    const gated = await runCli('bench', elf('audio-o2'), '--blocks', '8', '--baseline', tighter, '--tolerance', '5');
    expect(gated.code).toBe(1);
    expect(gated.stderr).toMatch(/\+25\.00%.*REGRESSION/);
  });

  it('--json writes the results', async () => {
    const { code, stdout } = await runCli('bench', elf('audio-o2'), '--blocks', '4', '--json', '--timing', 'ideal');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.results[0]).toMatchObject({ appType: 'BOOT_NONE', timing: 'ideal', cpuHz: 400e6 });
    expect(report.results[0].callback.symbol).toBe('AudioCallback');
    expect(report.results[0].blocks).toBe(4);
  });

  it('fails clearly on firmware that never starts audio', async () => {
    const { code, stderr } = await runCli('bench', elf('bug-sdram-ctor'), '--blocks', '4');
    expect(code).toBe(1);
    expect(stderr).toContain('the firmware stopped before audio ran: HardFault');
  });

  it('rejects a --boot-seconds that is not a positive number of seconds', async () => {
    const { code, stderr } = await runCli('bench', elf('audio-o2'), '--boot-seconds', 'soon');
    expect(code).toBe(2);
    expect(stderr).toContain('--boot-seconds');
  });

  it('rejects a bad baseline file', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"nope": 1}');
    expect((await runCli('bench', elf('audio-o2'), '--baseline', bad)).code).toBe(2);
  });
});
