/**
 * Every generated encoding is a defined, predictable instruction according to an independent
 * disassembler (GNU objdump for Arm, from Debian's binutils-arm-none-eabi), and the disassembly
 * names the family the template intends. Skipped when arm-none-eabi-objdump is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/generate/rng.js';
import { StreamGenerator } from '../src/generate/stream.js';
import type { StreamItem } from '../src/generate/item.js';

const haveObjdump = spawnSync('arm-none-eabi-objdump', ['--version']).status === 0;

/** Disassembles the items' bytes (data items excluded) and returns one line per instruction. */
function disassemble(items: StreamItem[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'oracle-objdump-'));
  try {
    const bytes: number[] = [];
    for (const item of items) for (const hw of item.halfwords) bytes.push(hw & 0xff, hw >>> 8);
    writeFileSync(join(dir, 'code.bin'), new Uint8Array(bytes));
    const r = spawnSync('arm-none-eabi-objdump', ['-D', '-b', 'binary', '-marm', '-Mforce-thumb', join(dir, 'code.bin')], { encoding: 'utf8' });
    return r.stdout.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).map((l) => l.split('\t').slice(2).join(' ').trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mnemonic families each template may produce (objdump spelling, without condition or .w suffixes). */
const FAMILIES: Record<string, RegExp> = {
  't16-shift-imm': /^(lsls?|lsrs?|asrs?|movs?)\b/,
  't16-addsub': /^(adds?|subs?)\b/,
  't16-imm8': /^(movs?|cmp|adds?|subs?)\b/,
  't16-dp': /^(ands?|eors?|lsls?|lsrs?|asrs?|adcs?|sbcs?|rors?|tst|rsbs?|negs?|cmp|cmn|orrs?|muls?|bics?|mvns?)\b/,
  't16-hireg': /^(add|cmp|mov|nop\s+@ \(mov)\b/, // objdump prints MOV r8, r8 as "nop @ (mov r8, r8)"
  't16-ldst-reg': /^(str|strh|strb|ldrsb|ldr|ldrh|ldrb|ldrsh)\b/,
  't16-ldst-imm': /^(str|ldr|strb|ldrb|strh|ldrh)\b/,
  't16-ldst-sp': /^(str|ldr)\b/,
  't16-ldr-lit': /^ldr\b/,
  't16-adr-addsp': /^(add|adr)\b/,
  't16-sp-adjust': /^(add|sub)\b/,
  't16-extend': /^(sxth|sxtb|uxth|uxtb)\b/,
  't16-rev': /^(rev|rev16|revsh)\b/,
  't16-push': /^push\b/,
  't16-pop': /^pop\b/,
  't16-ldm-stm': /^(stmia|ldmia|stm|ldm)\b/,
  't16-cbz': /^cbn?z\b/,
  't16-bcond': /^b(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)\b/,
  't16-b': /^b(\.n)?\b/,
  't16-nop': /^nop\b/,
  't16-it': /^it[te]{0,3}\b/,
  't32-dp-modimm': /^(and|tst|bic|orr|mov|orn|mvn|eor|teq|add|cmn|adc|sbc|sub|cmp|rsb)s?(\.w)?\b/,
  't32-dp-plainimm': /^(addw|subw|adr|movw|movt|add|sub)(\.w)?\b/,
  't32-sat': /^(ssat|usat|ssat16|usat16)\b/,
  't32-bitfield': /^(sbfx|ubfx|bfi|bfc)\b/,
  't32-dp-shiftreg': /^(and|tst|bic|orr|mov|orn|mvn|eor|teq|add|cmn|adc|sbc|sub|cmp|rsb|lsl|lsr|asr|ror|rrx)s?(\.w)?\b/,
  't32-pkh': /^pkh(bt|tb)\b/,
  't32-shift-reg': /^(lsl|lsr|asr|ror)s?(\.w)?\b/,
  't32-extend': /^(s|u)xta?(b|h|b16)(\.w)?\b/,
  't32-parallel': /^(s|q|sh|u|uq|uh)(add16|asx|sax|sub16|add8|sub8)\b/,
  't32-misc': /^(qadd|qdadd|qsub|qdsub|rev|rev16|rbit|revsh|sel|clz)(\.w)?\b/,
  't32-mul': /^(mla|mls|mul|smla(bb|bt|tb|tt|d|dx|wb|wt)|smul(bb|bt|tb|tt|wb|wt)|smuad|smuadx|smlsd|smlsdx|smusd|smusdx|smmlar?|smmulr?|smmlsr?|usada8|usad8)(\.w)?\b/,
  't32-mul-long': /^(smull|umull|smlal|smlal(bb|bt|tb|tt)|smlaldx?|smlsldx?|umlal|umaal)\b/,
  't32-div': /^(sdiv|udiv)\b/,
  't32-ldst-imm12': /^(strb|strh|str|ldrb|ldrh|ldr|ldrsb|ldrsh)(\.w)?\b/,
  't32-ldst-imm8': /^(strb|strh|str|ldrb|ldrh|ldr|ldrsb|ldrsh)(t|\.w)?\b/,
  't32-ldst-reg': /^(strb|strh|str|ldrb|ldrh|ldr|ldrsb|ldrsh)(\.w)?\b/,
  // With U = 0 and imm12<11:8> = 1110 objdump prints LDR<x>T [pc, ...]; the ARM ARM decode table
  // (A5.3.7-A5.3.10) gives Rn = 1111 precedence: it is LDR<x> (literal), as Unicorn executes it.
  't32-ldr-lit': /^(ldrb|ldrh|ldr|ldrsb|ldrsh)(\.w|t(?= \w+, \[pc))?\b/,
  't32-ldrd-strd': /^(ldrd|strd)\b/,
  't32-ldrd-lit': /^ldrd\b/,
  't32-ldm-stm': /^(ldm|stm|ldmia|stmia|ldmdb|stmdb|push|pop)(\.w)?\b/,
  't32-exclusive': /^(ldrex|strex|ldrexb|strexb|ldrexh|strexh)\b/,
  't32-clrex': /^clrex\b/,
  't32-tbb': /^tb[bh]\b/,
  't32-branch': /^(b|bl|beq|bne|bcs|bhs|bcc|blo|bmi|bpl|bvs|bvc|bhi|bls|bge|blt|bgt|ble)(\.w)?\b/,
  't32-mrs-msr': /^(mrs|msr)\b/,
  't32-nop': /^nop(\.w)?\b/,
  't32-branch-indirect': /^(addw|adr)(\.w)?\b/,
  't16-bx-blx': /^bl?x \w+/,
  't16-mov-pc': /^mov pc, \w+/,
  't16-pop-pc': /^pop \{pc\}/,
  't32-ldr-pc': /^ldr(\.w)? pc, \[sp\], #4/,
  't32-barrier': /^(dmb|dsb|isb)\b/,
};

describe.skipIf(!haveObjdump)('generated encodings against GNU objdump', () => {
  it('integer streams: defined instructions of the intended family', () => {
    const generator = new StreamGenerator(new Rng(777));
    const problems: string[] = [];
    let checked = 0;
    for (let b = 0; b < 150; b++) {
      const items = generator.nextBlock().items.filter((i) => !i.isData);
      const lines = disassemble(items);
      expect(lines.length).toBe(items.length);
      items.forEach((item, i) => {
        checked++;
        const text = lines[i];
        const mnemonic = text.split(/\s+/)[0].replace(/(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)(?=(\.w|\.n)?$)/, '');
        const family = FAMILIES[item.template];
        if (/undefined|unpredictable|\.word|\.short|\?\?\?/i.test(text)) problems.push(`${item.template}: ${text}`);
        else if (family && !family.test(text) && !family.test(mnemonic)) problems.push(`${item.template} gave ${text}`);
        else if (!family) problems.push(`no family listed for ${item.template}`);
      });
    }
    expect(checked).toBeGreaterThan(3000);
    expect([...new Set(problems)].slice(0, 20)).toEqual([]);
  });

  it('FP streams: defined instructions', () => {
    const generator = new StreamGenerator(new Rng(778), { fp: true });
    const problems: string[] = [];
    for (let b = 0; b < 100; b++) {
      const items = generator.nextBlock().items.filter((i) => !i.isData);
      const lines = disassemble(items);
      items.forEach((item, i) => {
        if (/undefined|unpredictable|\.word|\.short|\?\?\?/i.test(lines[i])) problems.push(`${item.template}: ${lines[i]}`);
        else if (item.template.startsWith('fp-') && !/^v/.test(lines[i])) problems.push(`${item.template} gave ${lines[i]}`);
      });
    }
    expect([...new Set(problems)].slice(0, 20)).toEqual([]);
  });
});

if (!haveObjdump) {
  describe('generated encodings against GNU objdump', () => {
    it.skip('arm-none-eabi-objdump is not installed: the independent disassembly check is skipped', () => {});
  });
}
