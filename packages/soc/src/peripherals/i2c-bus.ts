/**
 * A device on an I2C bus as an I2C master sees it. Transfers are byte-level; the bus model calls
 * `start` after the address byte, then `write`/`read` per data byte, and `stop` at the end.
 */
export interface I2cTarget {
  /** 7-bit address the device answers. */
  readonly address: number;
  /** START (or repeated START) addressed to this device; false = NACK the address. */
  start(isRead: boolean): boolean;
  /** A data byte from the master; false = NACK it. */
  write(byte: number): boolean;
  /** A data byte for the master. */
  read(): number;
  stop(): void;
}
