import { describe, expect, it } from 'vitest';
import { boardOptions, parseGpioInput } from '../src/board-options.js';
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
