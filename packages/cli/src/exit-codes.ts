/** Exit statuses, as a Unix tool reports them. */
export const EXIT_OK = 0;
/** The firmware faulted, a rule fired, or a regression gate failed. */
export const EXIT_FAILED = 1;
/** Bad usage or unreadable input. */
export const EXIT_USAGE = 2;

/** An error that carries its exit status and a one-line message for stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
