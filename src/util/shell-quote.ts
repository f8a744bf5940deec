import {CloudtriageError} from '../model/errors.js'

/**
 * POSIX shell quoting for commands sent over SSH.
 *
 * ssh runs the remote command through the login shell of the remote user, so an argv has to be turned
 * into one shell line there. Every argument is wrapped in single quotes, inside which no POSIX shell
 * interprets anything; a single quote in the value is written as `'\''`. Values that cannot be
 * misread (letters, digits and `@%+=:,./-_`) are left bare so the line stays readable in logs.
 */

/** An argument that no shell line can carry: NUL ends a C string, so it would be cut silently. */
export class UnquotableArgument extends CloudtriageError {}

const SAFE = /^[\w@%+=:,./-]+$/

/** Quote one argument like Python's shlex.quote: `''` for empty, bare when safe, single-quoted otherwise. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) {
    throw new UnquotableArgument(
      `argument ${JSON.stringify(arg.slice(0, 40))} contains a NUL byte, which no command line can carry`,
    )
  }
  if (arg === '') return "''"
  if (SAFE.test(arg)) return arg
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/** Join an argv into one remote shell line, every word quoted. */
export function toRemoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new UnquotableArgument('an empty command cannot be sent')
  return argv.map(shellQuote).join(' ')
}
