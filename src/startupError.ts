/** A start refused for a reason the IT person can mend (a service down, a port taken): main prints its message alone, without a stack. */
export class StartupError extends Error {
  /** What the process exits with: 1, or a code a supervisor or a harness can act on. */
  readonly exitCode: number;

  constructor(message: string, options: ErrorOptions & { exitCode?: number } = {}) {
    super(message, options);
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The HTTP port is taken (sysexits' EX_TEMPFAIL): whoever picked it can try another. */
export const PORT_IN_USE_EXIT_CODE = 75;
