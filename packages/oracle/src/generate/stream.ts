/**
 * Builds random instruction streams ("blocks"): a CLREX (so both engines start with an open exclusive
 * monitor), then instructions drawn class by class with equal weight per class, laid out from
 * STREAM_BASE, with forward branches and table entries resolved once every address is known.
 */
import { InsnClass } from '@seedsim/core';
import { insnItem, type StreamItem } from './item.js';
import type { Template } from './template.js';
import type { Rng } from './rng.js';
import { STREAM_BASE } from './layout.js';
import { THUMB16_TEMPLATES, itEncoding } from './thumb16.js';
import { THUMB32_DP_TEMPLATES } from './thumb32-dp.js';
import { THUMB32_MEM_TEMPLATES } from './thumb32-mem.js';
import { FP_TEMPLATES } from './fp.js';

export const INTEGER_TEMPLATES: Template[] = [...THUMB16_TEMPLATES, ...THUMB32_DP_TEMPLATES, ...THUMB32_MEM_TEMPLATES];

/** The class name of IT blocks (an IT instruction and 1–4 conditional instructions). */
export const IT_GROUP = 'it';

export interface StreamOptions {
  /** FP streams (FP_TEMPLATES) instead of integer ones. */
  fp?: boolean;
  /** Restrict to one class (a template group or a template name). */
  only?: string;
  /** Leave these classes out (template groups or template names). */
  exclude?: readonly string[];
  /** Instructions per block (default 24). */
  blockLength?: number;
}

export interface Block {
  items: StreamItem[];
  /** The code bytes, to be placed at `start`. */
  code: Uint8Array;
  start: number;
  /** First address after the block: execution of the block ends when PC reaches it. */
  end: number;
}

/** Every class name --class accepts. */
export function classNames(fp: boolean): string[] {
  const templates = fp ? FP_TEMPLATES : INTEGER_TEMPLATES;
  const names = new Set<string>();
  for (const t of templates) names.add(t.group);
  names.add(IT_GROUP);
  for (const t of templates) names.add(t.name);
  return [...names];
}

export class StreamGenerator {
  private readonly groups = new Map<string, Template[]>();
  private readonly groupNames: string[];
  private readonly itBody: Template[];
  private readonly blockLength: number;

  constructor(
    private readonly rng: Rng,
    options: StreamOptions = {},
  ) {
    const all = options.fp ? FP_TEMPLATES : INTEGER_TEMPLATES;
    const only = options.only;
    const exclude = options.exclude ?? [];
    const kept = all.filter((t) => !exclude.includes(t.group) && !exclude.includes(t.name));
    const selected = only && only !== IT_GROUP ? kept.filter((t) => t.group === only || t.name === only) : kept;
    if (selected.length === 0) throw new Error(`unknown instruction class '${only}' (known: ${classNames(!!options.fp).join(', ')})`);
    if (!(only === IT_GROUP)) {
      for (const t of selected) {
        const list = this.groups.get(t.group) ?? [];
        list.push(t);
        this.groups.set(t.group, list);
      }
    }
    this.itBody = (only === IT_GROUP ? kept : selected).filter((t) => t.itSafe);
    this.groupNames = [...this.groups.keys()];
    // IT blocks are a class of their own, with the other classes (FP ones in FP streams) as bodies.
    if (this.itBody.length > 0 && (only === undefined || only === IT_GROUP)) this.groupNames.push(IT_GROUP);
    this.blockLength = options.blockLength ?? 24;
  }

  /** A new block of about `blockLength` instructions. */
  nextBlock(): Block {
    const items: StreamItem[] = [insnItem(0xf3bf8f2f, 4, 't32-clrex', 'exclusive', InsnClass.Exclusive)];
    while (items.length < this.blockLength) items.push(...this.draw());
    // A closing NOP: a CBZ (forward offsets 0..126 only) in the last place still has the end to go to.
    items.push(insnItem(0xbf00, 2, 't16-nop', 'system', InsnClass.System));
    let address = STREAM_BASE;
    for (const item of items) {
      item.address = address;
      address += item.halfwords.length * 2;
    }
    const end = address;
    for (let i = 0; i < items.length; i++) items[i].resolve?.(items, i, end);
    const code = new Uint8Array(end - STREAM_BASE);
    for (const item of items) {
      let at = item.address - STREAM_BASE;
      for (const hw of item.halfwords) {
        code[at++] = hw & 0xff;
        code[at++] = (hw >>> 8) & 0xff;
      }
    }
    return { items, code, start: STREAM_BASE, end };
  }

  private draw(): StreamItem[] {
    const group = this.rng.pick(this.groupNames);
    if (group === IT_GROUP) return this.itBlock();
    const items = this.rng.pick(this.groups.get(group)!).make(this.rng, { inIt: false });
    // Only the first instruction of a snippet (MOVS before TBB, LDREX before STREX) is a branch target.
    for (let i = 1; i < items.length; i++) items[i].branchTarget = false;
    return items;
  }

  /** A7.7.38 IT with 1–4 conditional instructions; IT AL only with all-Then (otherwise UNPREDICTABLE). */
  private itBlock(): StreamItem[] {
    const rng = this.rng;
    const count = rng.range(1, 4);
    const firstcond = rng.chance(0.08) ? 14 : rng.below(14);
    const thenElse: boolean[] = [];
    for (let k = 1; k < count; k++) thenElse.push(firstcond === 14 ? true : rng.bit() === 1);
    const out = [insnItem(itEncoding(firstcond, thenElse), 2, 't16-it', IT_GROUP, InsnClass.It)];
    for (let k = 0; k < count; k++) {
      const [item] = rng.pick(this.itBody).make(rng, { inIt: true });
      item.branchTarget = false;
      out.push(item);
    }
    return out;
  }
}
