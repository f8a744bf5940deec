import type {SignatureEntry} from './parse-page.js'

/**
 * Does one line match a signature, exactly as the playbook scan decides it: the literal hint must be in the
 * line (case-sensitive; it is the prefilter) and the regex must match. Used by lint on the examples, so an
 * example that passes lint is a line the scan would report.
 */
export function signatureMatches(signature: Pick<SignatureEntry, 'meta' | 'regex'>, line: string): boolean {
  return line.includes(signature.meta.hint) && signature.regex.test(line)
}
