/**
 * What the `openstack` client said when it could not get an answer from an API: which endpoint it was
 * talking to and how that failed. The client prints one error on stderr and exits 1; the engine hands a
 * parser stderr when stdout is empty and the exit code is not 0, so this reads either kind of text and
 * says whether it is such an error.
 */
export interface OpenstackApiError {
  /** True when the text is the client's error message rather than listing output. */
  failed: boolean
  /**
   * refused: nothing listens at the endpoint; aborted: it accepted and closed without answering;
   * timeout: no answer in time; unavailable: 503/502/504 from it or from a proxy in front of it;
   * server-error: it answered 500 (it is up, something behind it failed); auth: 401/403;
   * other: any other error text; null when the text is not an error.
   */
  kind: 'refused' | 'aborted' | 'timeout' | 'unavailable' | 'server-error' | 'auth' | 'other' | null
  /** The URL the client was calling, when the message names one. */
  url: string | null
  host: string | null
  /** The endpoint's port: explicit, or 80/443 from the scheme. */
  port: number | null
  /** The URL's path, e.g. /v3/auth/tokens (keystone) or /v2.0/agents (neutron). */
  path: string | null
  /** The HTTP status the API answered with, when it answered. */
  httpStatus: number | null
  /** The line of the message that says what went wrong, for the report. */
  message: string | null
  /** Its 1-based line in the text, so a report quotes it where it stands. */
  line: number | null
}

// keystoneauth1 session.py: "Unable to establish connection to %s: %s", "Request to %s timed out",
// "SSL exception connecting to %s: %s"; clients add "(HTTP NNN)" to errors an API answered with.
const URL_IN_MESSAGE = /(?:Unable to establish connection to|Request to|SSL exception connecting to|contacting)\s+(https?:\/\/[^\s:/]+(?::\d+)?[^\s:]*)/
const HTTP_STATUS = /\(HTTP (\d{3})\)/
const REFUSED = /Connection refused|\[Errno 111\]|ECONNREFUSED/
const ABORTED = /Connection aborted|RemoteDisconnected|Connection reset by peer/
const TIMEOUT = /timed out|ReadTimeout|ConnectTimeout|Gateway Timeout/i

/** Reads the `openstack` client's error text (or its output, which is not an error). Never throws. */
export function parseOpenstackApiError(text: string): OpenstackApiError {
  const trimmed = text.trim()
  // Listing output: JSON (-f json), a cliff table, csv/value, or nothing at all (an empty list).
  if (trimmed === '' || /^[[{+]/.test(trimmed)) return answered()

  const lines = text.split('\n')
  const lastWhere = (test: (l: string) => boolean): number => lines.findLastIndex((l) => l.trim() !== '' && test(l))
  // The client first says where it tried, then why it gave up: the last line naming a URL is the one that failed.
  const urlAt = lastWhere((l) => URL_IN_MESSAGE.test(l))
  const url = urlAt >= 0 ? trimUrl(URL_IN_MESSAGE.exec(lines[urlAt] ?? '')?.[1] ?? '') : null
  const status = HTTP_STATUS.exec(trimmed)
  const httpStatus = status ? Number(status[1]) : null
  const where = url ? splitUrl(url) : {host: null, port: null, path: null}
  // Else the first line: the client's own complaint ("… is not an openstack command"), before any suggestions.
  const at = [urlAt, lastWhere((l) => HTTP_STATUS.test(l)), lines.findIndex((l) => l.trim() !== '')].find((i) => i >= 0) ?? -1
  const message = at >= 0 ? (lines[at] ?? '').trim().slice(0, 400) : null
  return {failed: true, kind: kindOf(trimmed, httpStatus), url, ...where, httpStatus, message, line: at >= 0 ? at + 1 : null}
}

function kindOf(text: string, httpStatus: number | null): NonNullable<OpenstackApiError['kind']> {
  if (httpStatus === 401 || httpStatus === 403) return 'auth'
  if (httpStatus === 502 || httpStatus === 503 || httpStatus === 504) return 'unavailable'
  if (httpStatus !== null && httpStatus >= 500) return 'server-error'
  if (REFUSED.test(text)) return 'refused'
  if (ABORTED.test(text)) return 'aborted'
  if (TIMEOUT.test(text)) return 'timeout'
  return 'other'
}

function answered(): OpenstackApiError {
  return {failed: false, kind: null, url: null, host: null, port: null, path: null, httpStatus: null, message: null, line: null}
}

/** "http://127.0.0.1:5000/v3." (end of a sentence) -> "http://127.0.0.1:5000/v3". */
function trimUrl(url: string): string {
  return url.replace(/[.,;)'"]+$/, '')
}

function splitUrl(url: string): {host: string | null; port: number | null; path: string | null} {
  try {
    const u = new URL(url)
    const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80
    return {host: u.hostname.replace(/^\[|\]$/g, ''), port, path: u.pathname}
  } catch {
    return {host: null, port: null, path: null}
  }
}
