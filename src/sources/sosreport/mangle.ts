/**
 * sos's command → file name rule (`_mangle_command` in sos/report/plugins/__init__.py, unchanged from 4.0
 * to 4.12): strip a leading /usr/bin/, /bin/, /usr/sbin/ or /sbin/; replace every run of characters other
 * than word characters, `-`, `.` and `/` with `_`; turn `/` into `.`; strip leading/trailing ` ._-`;
 * cut at the file name limit.
 */

/** NAME_MAX on the filesystems sos writes to. */
const NAME_MAX = 255

/** The file name sos gives the output of `command` (a command line as sos wrote it, or our argv). */
export function mangleCommand(command: string | readonly string[]): string {
  const line = typeof command === 'string' ? command : command.join(' ')
  const mangled = line
    .replace(/^\/(?:usr\/)?s?bin\//, '')
    // Python's \w is Unicode-aware; \p{L}\p{N}\p{M}_ is its JS equivalent.
    .replaceAll(/[^\p{L}\p{N}\p{M}_\-./]+/gu, '_')
    .replaceAll('/', '.')
  return stripEdges(mangled).slice(0, NAME_MAX)
}

function stripEdges(name: string): string {
  return name.replace(/^[ ._-]+/, '').replace(/[ ._-]+$/, '')
}
