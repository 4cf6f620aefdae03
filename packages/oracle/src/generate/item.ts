import type { InsnClass } from '@seedsim/core';

/** One instruction of a generated stream, or data embedded in it (a TBB table). */
export interface StreamItem {
  /** Halfwords in memory order (1 or 2 for an instruction; any number for data). */
  halfwords: number[];
  /** Template that produced it ('' for data). */
  template: string;
  /** Generator class (the name --class selects). */
  group: string;
  /** The timing class the core's decoder should assign. */
  insnClass: InsnClass | null;
  isData: boolean;
  /** It may write memory: the comparator checks the scratch area after it. */
  writesMemory: boolean;
  /** A branch may land here (not inside an IT block, not data). */
  branchTarget: boolean;
  /** Filled in by layout: the address of the first halfword. */
  address: number;
  /** Called once every address is known; rewrites `halfwords` (branch offsets, table entries). */
  resolve?: (items: StreamItem[], self: number, endAddress: number) => void;
}

export function insnItem(
  encoding: number,
  size: 2 | 4,
  template: string,
  group: string,
  insnClass: InsnClass,
  writesMemory = false,
): StreamItem {
  const halfwords = size === 2 ? [encoding & 0xffff] : [(encoding >>> 16) & 0xffff, encoding & 0xffff];
  return { halfwords, template, group, insnClass, isData: false, writesMemory, branchTarget: true, address: 0 };
}

/** The 32-bit encoding as ARM writes it (first halfword in bits 31–16), or the 16-bit one. */
export function encodingOf(item: StreamItem): number {
  return item.halfwords.length === 2 ? ((item.halfwords[0] << 16) | item.halfwords[1]) >>> 0 : item.halfwords[0];
}

export function hexEncoding(item: StreamItem): string {
  return item.halfwords.map((h) => h.toString(16).padStart(4, '0')).join(' ');
}
