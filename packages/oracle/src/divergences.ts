/**
 * Known places where Unicorn 2.0.1 (QEMU 5.0.x inside) departs from the ARMv7-M ARM. A mismatch is
 * filtered only when it is exactly the documented divergence AND the core under test matches the
 * architecture, computed here independently from the ARM ARM pseudocode. Each entry says why.
 * The same list, with reproducers, is in ../KNOWN-MISMATCHES.md.
 */
import type { StateView } from './lockstep.js';
import type { StreamItem } from './generate/item.js';
import { encodingOf } from './generate/item.js';

export interface KnownDivergence {
  readonly name: string;
  /** Returns true when the mismatch is this divergence and the core's result is the architectural one. */
  matches(items: readonly StreamItem[], before: StateView, unicorn: StateView, core: StateView): boolean;
}

const Q_BIT = 1 << 27;

function sameExcept(a: StateView, b: StateView, apsrMask: number): boolean {
  for (let i = 0; i < 16; i++) if (a.r[i] !== b.r[i]) return false;
  if (((a.apsr ^ b.apsr) & ~apsrMask) !== 0) return false;
  if (a.epsr !== b.epsr || a.fpscr !== b.fpscr) return false;
  for (let i = 0; i < 32; i++) if (a.s[i] !== b.s[i]) return false;
  return true;
}

const s16 = (v: number): number => ((v & 0xffff) << 16) >> 16;

/**
 * SMLAD{X} / SMLSD{X} (ARMv7-M ARM A7.7 SMLAD and SMLSD pseudocode): the
 * architecture forms product1 ± product2 + SInt(Ra) at full precision and sets Q only when that sum
 * does not fit in 32 bits. QEMU 5.0's helpers add the two products in 32 bits first and set Q on
 * that intermediate overflow (e.g. 0x8000*0x8000 twice = 2^31), even when adding Ra brings the
 * total back into range. QEMU later fixed its helpers to accumulate in 64 bits for this reason.
 */
const smladQ: KnownDivergence = {
  name: 'SMLAD/SMLSD Q flag from the intermediate sum (QEMU 5.0 helper)',
  matches(items, before, unicorn, core) {
    if (items.length !== 1 || items[0].halfwords.length !== 2) return false;
    const enc = encodingOf(items[0]);
    // 11111011 0 op1 Rn | Ra Rd 00 0X Rm with op1 010 (SMLAD) or 100 (SMLSD), Ra != 15.
    const op1 = (enc >>> 20) & 7;
    if ((enc >>> 24) !== 0xfb || ((enc >>> 23) & 1) !== 0 || (op1 !== 2 && op1 !== 4) || (enc & 0xe0) !== 0) return false;
    const ra = (enc >>> 12) & 15;
    if (ra === 15) return false;
    if (!sameExcept(unicorn, core, Q_BIT)) return false;
    const rn = before.r[(enc >>> 16) & 15];
    let rm = before.r[enc & 15];
    if (enc & 0x10) rm = ((rm >>> 16) | (rm << 16)) >>> 0;
    const p1 = s16(rn) * s16(rm);
    const p2 = s16(rn >>> 16) * s16(rm >>> 16);
    const sum = (op1 === 2 ? p1 + p2 : p1 - p2) + (before.r[ra] | 0);
    const overflow = sum !== (sum | 0);
    const architecturalQ = ((before.apsr & Q_BIT) !== 0) || overflow;
    return ((core.apsr & Q_BIT) !== 0) === architecturalQ && ((unicorn.apsr & Q_BIT) !== 0) !== architecturalQ;
  },
};

export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [smladQ];

/** The name of the known divergence a mismatch is, or null when it is a real mismatch. */
export function knownDivergence(items: readonly StreamItem[], before: StateView, unicorn: StateView, core: StateView): string | null {
  for (const d of KNOWN_DIVERGENCES) if (d.matches(items, before, unicorn, core)) return d.name;
  return null;
}
