/**
 * The enum values in src/unicorn-consts.ts against the C headers of libunicorn-dev
 * (/usr/include/unicorn). The headers are parsed here with a small enum reader, so a wrong value in
 * the table (or a different library version) fails this test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UC_ARCH, UC_ARM_REG, UC_CPU_ARM, UC_CTL, UC_CTL_IO, UC_ERR, UC_MODE, UC_PROT, ucCtl } from '../src/unicorn-consts.js';

const HEADERS = '/usr/include/unicorn';
const haveHeaders = existsSync(`${HEADERS}/unicorn.h`) && existsSync(`${HEADERS}/arm.h`);

/** Reads every `typedef enum name { ... } name;` of a C header into name -> (member -> value). */
function readEnums(text: string): Map<string, Map<string, number>> {
  const clean = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const enums = new Map<string, Map<string, number>>();
  const all = new Map<string, number>();
  for (const match of clean.matchAll(/typedef\s+enum\s+(\w+)\s*\{([\s\S]*?)\}\s*\w+\s*;/g)) {
    const members = new Map<string, number>();
    let next = 0;
    for (const raw of match[2].split(',')) {
      const entry = raw.trim();
      if (!entry) continue;
      const [name, expr] = entry.split('=').map((x) => x.trim());
      let value = next;
      if (expr !== undefined) {
        const shift = /^(\d+)\s*<<\s*(\d+)$/.exec(expr);
        if (shift) value = Number(shift[1]) << Number(shift[2]);
        else if (/^(0x[0-9a-f]+|\d+)$/i.test(expr)) value = Number(expr);
        else if (all.has(expr) || members.has(expr)) value = members.get(expr) ?? all.get(expr)!;
        else throw new Error(`cannot evaluate ${name} = ${expr}`);
      }
      members.set(name, value);
      all.set(name, value);
      next = value + 1;
    }
    enums.set(match[1], members);
  }
  return enums;
}

describe.skipIf(!haveHeaders)('Unicorn enum table matches /usr/include/unicorn', () => {
  const enums = readEnums(readFileSync(`${HEADERS}/unicorn.h`, 'utf8') + readFileSync(`${HEADERS}/arm.h`, 'utf8'));
  const check = (enumName: string, prefix: string, table: Record<string, number>): void => {
    const members = enums.get(enumName);
    expect(members, `enum ${enumName} in the headers`).toBeDefined();
    for (const [key, value] of Object.entries(table)) {
      expect(members!.get(prefix + key), `${prefix}${key}`).toBe(value);
    }
  };

  it('architecture, mode, CPU model', () => {
    check('uc_arch', 'UC_ARCH_', UC_ARCH);
    check('uc_mode', 'UC_MODE_', UC_MODE);
    check('uc_cpu_arm', 'UC_CPU_ARM_', UC_CPU_ARM);
  });

  it('errors, protections, controls', () => {
    check('uc_err', 'UC_ERR_', UC_ERR);
    check('uc_prot', 'UC_PROT_', UC_PROT);
    check('uc_control_type', 'UC_CTL_', UC_CTL);
  });

  it('ARM register ids', () => {
    check('uc_arm_reg', 'UC_ARM_REG_', UC_ARM_REG);
  });

  it('UC_CTL macro: type | nr << 26 | rw << 30', () => {
    const header = readFileSync(`${HEADERS}/unicorn.h`, 'utf8');
    expect(header).toMatch(/\(\(type\) \| \(\(nr\) << 26\) \| \(\(rw\) << 30\)\)/);
    expect(header).toMatch(/#define UC_CTL_IO_WRITE \(1\)/);
    expect(header).toMatch(/#define UC_CTL_IO_READ \(2\)/);
    expect(UC_CTL_IO.WRITE).toBe(1);
    expect(UC_CTL_IO.READ).toBe(2);
    // UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1) = 7 | 1 << 26 | 1 << 30, computed by hand.
    expect(ucCtl(7, 1, 1) >>> 0).toBe(0x4400_0007);
  });
});

if (!haveHeaders) {
  describe('Unicorn headers', () => {
    it.skip('libunicorn-dev is not installed (/usr/include/unicorn missing): the enum table is not checked', () => {});
  });
}
