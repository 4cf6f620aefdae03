import type { SymbolTable } from '@seedsim/elf';

/** A broken rule, located: what fired, when, in which code, on which data (DESIGN.md principle 6). */
export interface RuleEvent {
  rule: string;
  cycle: number;
  pc: number;
  /** `function+0xoffset` of the PC. */
  location: string;
  address: number;
  /** The data symbol the address falls in (`symbol+0xoffset`), or the hex address. */
  dataSymbol: string;
  isWrite: boolean;
  detail: string;
  /** Innermost first. */
  callStack: string[];
  /** How many times the same rule fired at the same PC on the same symbol (reported once). */
  count: number;
  /**
   * 'dma' when a DMA transfer made the access: then `location` is where the CPU happened to be. 'call'
   * when the event is a call of the function at `address` rather than a data access.
   */
  origin: 'cpu' | 'dma' | 'call';
}

export interface UnmodelledAccess {
  register: string;
  isWrite: boolean;
  value: number;
  pc: number;
  location: string;
  cycle: number;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Collects rule events with their context and folds repeats (same rule, PC and data symbol) into a count,
 * so a loop touching SDRAM before init reports once, not a million times.
 */
export class RuleLog {
  readonly events: RuleEvent[] = [];
  private readonly index = new Map<string, RuleEvent>();
  readonly unmodelled: UnmodelledAccess[] = [];
  private readonly unmodelledSeen = new Set<string>();

  constructor(
    private readonly symbols: SymbolTable,
    private readonly onNew: ((event: RuleEvent) => void) | null = null,
  ) {}

  record(rule: string, address: number, isWrite: boolean, detail: string, pc: number, cycle: number, callStack: string[], origin: RuleEvent['origin'] = 'cpu'): RuleEvent {
    const dataSymbol = this.symbols.lookup(address);
    // A DMA-side event repeats wherever the CPU happens to be: fold it by rule and data symbol alone.
    const key = `${rule}|${origin === 'dma' ? 'dma' : pc}|${dataSymbol ? dataSymbol.name : hex(address & ~0x1f)}`;
    const old = this.index.get(key);
    if (old) {
      old.count++;
      return old;
    }
    const event: RuleEvent = {
      rule,
      cycle,
      pc,
      location: this.symbols.describe(pc),
      address: address >>> 0,
      dataSymbol: describeData(this.symbols, address),
      isWrite,
      detail,
      callStack,
      count: 1,
      origin,
    };
    this.index.set(key, event);
    this.events.push(event);
    this.onNew?.(event);
    return event;
  }

  recordUnmodelled(register: string, isWrite: boolean, value: number, pc: number, cycle: number): UnmodelledAccess | null {
    const key = `${register}|${isWrite}`;
    if (this.unmodelledSeen.has(key)) return null;
    this.unmodelledSeen.add(key);
    const access = { register, isWrite, value: value >>> 0, pc, location: this.symbols.describe(pc), cycle };
    this.unmodelled.push(access);
    return access;
  }
}

/** One event as a few lines of text for the terminal. */
export function formatRuleEvent(e: RuleEvent): string {
  const lines = [
    `rule ${e.rule} at cycle ${e.cycle}: ${e.origin === 'call' ? 'call of' : e.isWrite ? 'write to' : 'read of'} ${e.dataSymbol} (${hex(e.address)}) ${e.origin === 'dma' ? `by DMA, the CPU in ${e.location}` : `by ${e.location}`} (pc ${hex(e.pc)})${e.count > 1 ? ` ×${e.count}` : ''}`,
    `  ${e.detail}`,
  ];
  if (e.callStack.length > 0) lines.push(`  call stack: ${e.callStack.join(' ← ')}`);
  return lines.join('\n');
}

/** How close past the end of an object an access still names it: out-of-bounds indexing lands just past. */
const PAST_END_BYTES = 4096;

/**
 * The data an access touched: `name+0x12` inside a symbol; just past the end of an object (an index one
 * too far, a loop bound off by one), `0xc00bb800 (0 bytes past the end of audioSample, 768000 bytes)`;
 * else the hex address.
 */
export function describeData(symbols: SymbolTable, address: number): string {
  const inside = symbols.describe(address);
  if (symbols.lookup(address)) return inside;
  const s = symbols.below(address);
  if (!s || s.kind !== 'object') return inside;
  const past = (address >>> 0) - (s.address + s.size);
  return past >= 0 && past < PAST_END_BYTES ? `${inside} (${past} byte${past === 1 ? '' : 's'} past the end of ${s.name}, ${s.size} bytes)` : inside;
}

