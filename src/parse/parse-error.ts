/**
 * The text handed to a parser is not in the format it expects: an error message where a table
 * should be, a truncated JSON document, a log in an unknown layout. Parsers throw this; the engine
 * records it as unparseable evidence instead of aborting the run.
 */
export class ParseError extends Error {
  constructor(
    /** The format we expected, e.g. "openstack output". */
    readonly format: string,
    /** One line, for the operator: what we saw instead. */
    readonly detail: string,
    /** 1-based line of the input at fault, when one line is to blame. */
    readonly line: number | null,
  ) {
    super(`cannot read ${format}${line === null ? '' : ` at line ${line}`}: ${detail}`)
    this.name = 'ParseError'
  }
}
