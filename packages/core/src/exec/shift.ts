/**
 * The barrel shifter (ARMv7-M ARM A2.2.1 LSL_C/LSR_C/ASR_C/ROR_C/RRX_C, A7.4.2 Shift_C).
 * Results are returned as int32 (same bits; int32 stays unboxed in V8); the carry out is left in `shifter.carry` (a module-level scratch, so the hot
 * path allocates nothing).
 */
export const enum Shift {
  LSL = 0,
  LSR = 1,
  ASR = 2,
  ROR = 3,
  RRX = 4,
}

export const shifter = { carry: 0 };

/** Shift_C(value, type, amount, carryIn). `amount` may be 0 (result = value, carry unchanged) or > 32. */
export function shiftC(value: number, type: number, amount: number, carryIn: number): number {
  value |= 0;
  if (amount === 0 && type !== Shift.RRX) {
    shifter.carry = carryIn;
    return value;
  }
  switch (type) {
    case Shift.LSL:
      if (amount < 32) {
        shifter.carry = (value >>> (32 - amount)) & 1;
        return value << amount;
      }
      shifter.carry = amount === 32 ? value & 1 : 0;
      return 0;
    case Shift.LSR:
      if (amount < 32) {
        shifter.carry = (value >>> (amount - 1)) & 1;
        return (value >>> amount) | 0;
      }
      shifter.carry = amount === 32 ? value >>> 31 : 0;
      return 0;
    case Shift.ASR:
      if (amount < 32) {
        shifter.carry = (value >> (amount - 1)) & 1;
        return value >> amount;
      }
      shifter.carry = value >>> 31;
      return value >> 31;
    case Shift.ROR: {
      const m = amount & 31;
      const result = m === 0 ? value : (value >>> m) | (value << (32 - m));
      shifter.carry = result >>> 31;
      return result;
    }
    default: // RRX
      shifter.carry = value & 1;
      return (carryIn << 31) | (value >>> 1);
  }
}

/** ROR by a multiple of 8 used by SXT/UXT (A7.7.xxx "rotated = ROR(R[m], rotation)"). */
export function ror(value: number, amount: number): number {
  amount &= 31;
  return amount === 0 ? value | 0 : (value >>> amount) | (value << (32 - amount));
}
