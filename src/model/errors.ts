/**
 * Typed errors. Library code throws these; only commands turn them into exit codes.
 * Messages are one line, written for the operator, naming the file:line:col or node at fault.
 */

/** Exit codes, documented in the README. */
export const EXIT = {
  /** A ranked answer, with every piece of evidence the playbook asked for. */
  ok: 0,
  /** The run completed and found nothing wrong among what it checked. */
  noSuspect: 1,
  /** Bad input: playbook, inventory, bundle, sosreport, unknown target, bad flags. Nothing was written. */
  input: 2,
  /** A report was produced but some evidence is missing (node unreachable, timeout, Ctrl-C). */
  partial: 3,
  /** A bug in cloudtriage. */
  internal: 70,
} as const

export class CloudtriageError extends Error {
  constructor(
    message: string,
    readonly suggestions: readonly string[] = [],
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** The user gave us something we cannot use. `where` is file:line:col, a node name, or a flag. */
export class InputError extends CloudtriageError {
  constructor(
    readonly where: string,
    readonly detail: string,
    suggestions: readonly string[] = [],
  ) {
    super(`${where}: ${detail}`, suggestions)
  }
}

/** The playbook or a check asked for something the read-only guard forbids. */
export class ReadOnlyViolation extends CloudtriageError {}

/** The target (server, volume, ...) does not exist in the evidence. */
export class UnknownTarget extends CloudtriageError {}
