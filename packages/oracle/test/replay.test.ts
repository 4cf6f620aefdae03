/**
 * Reproducers printed with a mismatch re-run on their own (npm run oracle -- --repro JSON).
 */
import { describe, expect, it } from 'vitest';
import { Lockstep, type Reproducer } from '../src/lockstep.js';
import { unicornCoreFactory } from '../src/unicorn-core.js';
import type { CoreFactory } from '../src/core-under-test.js';
import { unicornLoadProblem } from '../src/unicorn.js';

const problem = unicornLoadProblem();

// UMULL r0, r1, r2, r3 (fba2 0103, from arm-none-eabi-as) with r2 = 0xffffffff, r3 = 2:
// the product 0x1_ffff_fffe gives r0 = 0xfffffffe, r1 = 1 (A7.7.189, by hand).
const UMULL: Reproducer = {
  pc: '0x08008000',
  code: 'fba2 0103',
  before: { r: ['0', '0', '0xffffffff', '2', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0x20008000', '0', '0x08008000'], apsr: '0' },
  memory: [],
};

// LDR r0, [r1, #4] (6848) with the word 0x12345678 at 0x20000104: r0 = 0x12345678.
const LDR: Reproducer = {
  pc: '0x08008000',
  code: '6848',
  before: { r: ['0', '0x20000100', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0x20008000', '0', '0x08008000'], apsr: '0' },
  memory: [{ address: '0x20000104', size: 4, value: '0x12345678' }],
};

describe.skipIf(problem !== null)('reproducer replay', () => {
  it('both engines agree on a correct core', () => {
    const lockstep = new Lockstep({ seed: 0, core: unicornCoreFactory() });
    expect(lockstep.replay(UMULL)).toBeNull();
    expect(lockstep.replay(LDR)).toBeNull();
    expect(lockstep.unicorn.readCore(0)).toBe(0x12345678);
    lockstep.close();
  });

  it('a wrong core is reported with the differing register', () => {
    const inner = unicornCoreFactory();
    const wrongHigh: CoreFactory = (layout) => {
      const c = inner(layout);
      return { ...c, state: c.state, memory: c.memory, step: () => { c.step(); c.state.r[1] = 0; } } as ReturnType<CoreFactory>;
    };
    const lockstep = new Lockstep({ seed: 0, core: wrongHigh });
    const m = lockstep.replay(UMULL);
    lockstep.close();
    expect(m).not.toBeNull();
    expect(m!.differences).toEqual(['r1']);
    expect(m!.unicorn.r[0]).toBe(0xfffffffe);
    expect(m!.unicorn.r[1]).toBe(1);
  });

  it('bad reproducers are refused with a clear error', () => {
    const lockstep = new Lockstep({ seed: 0, core: unicornCoreFactory() });
    expect(() => lockstep.replay({ ...UMULL, pc: '0x00000010' })).toThrow(/outside the code area/);
    expect(() => lockstep.replay({ ...UMULL, code: 'zz' })).toThrow(/bad code 'zz'/);
    lockstep.close();
  });
});
