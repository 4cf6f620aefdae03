/** A file that is not an ELF image seedsim can run, with a one-line reason naming what is wrong. */
export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}
