import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { boardOptions, parseFieldKeys, parseGpioInput } from '../src/board-options.js';
import { runCli } from './helpers.js';

describe('--gpio', () => {
  it('parses PIN=LEVEL[@SECONDS] lists, repeated options in order', () => {
    expect(parseGpioInput('PB4=0@0.5, pb4=1@0.6,PG10=1')).toEqual([
      { pin: 'PB4', level: false, seconds: 0.5 },
      { pin: 'PB4', level: true, seconds: 0.6 },
      { pin: 'PG10', level: true, seconds: 0 },
    ]);
    expect(boardOptions({ gpio: ['PC3=0@1', 'PC3=1@1.2'] }).gpioInput).toEqual([
      { pin: 'PC3', level: false, seconds: 1 },
      { pin: 'PC3', level: true, seconds: 1.2 },
    ]);
  });

  it('refuses a bad pin, level or time with the expected form', () => {
    for (const bad of ['PB16=0', 'PZ1=0', 'PB4=2', 'PB4', 'PB4=0@-1', 'PB4=0@x']) {
      expect(() => parseGpioInput(bad)).toThrow(/--gpio: expected PIN=LEVEL\[@SECONDS\]/);
    }
  });

  it('run and bench --help document it', async () => {
    for (const command of ['run', 'bench']) {
      const { stdout } = await runCli(command, '--help');
      expect(stdout).toContain('--gpio PIN=LEVEL[@SECONDS]');
    }
  });
});

describe('--field-key', () => {
  it('parses KEY@SECONDS[-SECONDS] into a press and a release (0.1 s later by default)', () => {
    expect(parseFieldKeys('0@0.5-0.9, 12@1')).toEqual([
      { key: 0, seconds: 0.5, pressed: true },
      { key: 0, seconds: 0.9, pressed: false },
      { key: 12, seconds: 1, pressed: true },
      { key: 12, seconds: 1.1, pressed: false },
    ]);
    expect(boardOptions({ 'field-key': ['3@0.2'] }).fieldKeys).toHaveLength(2);
  });

  it('is a usage error (exit 2) for an image that is not a Daisy Field app', async () => {
    for (const command of ['run', 'bench']) {
      const { code, stderr } = await runCli(command, '--field-key', '0@0.1', fileURLToPath(new URL('../../../firmware-fixtures/build/audio-o2.elf', import.meta.url)));
      expect(code).toBe(2);
      expect(stderr).toContain('is not a Daisy Field app');
    }
  });

  it('refuses a key above 15 or a release before the press', () => {
    for (const bad of ['16@0.5', '3@0.5-0.4', '3', 'a@1']) expect(() => parseFieldKeys(bad)).toThrow(/--field-key: expected KEY@SECONDS/);
  });
});

