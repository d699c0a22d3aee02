/** A start refused for a reason the IT person can mend (a service down, a port taken): main prints its message alone, without a stack. */
export class StartupError extends Error {}
