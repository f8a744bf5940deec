import type {GatherStatus} from '../model/evidence.js'
import type {Level} from '../playbook/schema.js'

/** One cited piece of evidence: where it came from and the lines that show it. */
export interface EvidenceRef {
  readonly node: string | null
  /** The command or file, as an operator would type or open it. */
  readonly source: string
  /** 1-based line in that output or file, when the evidence is a line. */
  readonly line: number | null
  /** The lines themselves (with a little context for logs), redacted and stripped of control characters. */
  readonly excerpt: string
  /** Where the bytes really came from: "ssh compute-0", "sosreport compute-0:sos_commands/…", "bundle …". */
  readonly origin?: string
}

/** A conclusion of one check: "this component on this node looks broken, because…". */
export interface Finding {
  readonly check: string
  readonly phase: string
  readonly component: string
  readonly node: string | null
  readonly level: Level
  readonly weight: number
  readonly summary: string
  readonly evidence: readonly EvidenceRef[]
  readonly next: readonly string[]
  readonly kb: readonly string[]
  /** It only says something waited too long (a reply, a commit): slowness on its node explains it. */
  readonly timeout?: boolean
}

/** A ranked candidate cause: one component on one node, with every finding that points at it. */
export interface Suspect {
  readonly component: string
  readonly node: string | null
  readonly confidence: number
  readonly level: Level
  readonly summary: string
  readonly evidence: readonly EvidenceRef[]
  readonly checks: readonly string[]
  readonly next: readonly string[]
  readonly kb: readonly string[]
}

export interface RuledOut {
  readonly check: string
  readonly component: string
  readonly reason: string
}

/** Evidence the playbook wanted and did not get, and the exact read-only command that would fill it. */
export interface Missing {
  readonly what: string
  readonly node: string | null
  readonly command: string
  readonly reason: string
  /** Checks that could not be decided without it. */
  readonly blocks: readonly string[]
}

export interface Scope {
  readonly level: Level
  readonly says: string
}

export interface GatherOutcome {
  readonly id: string
  readonly node: string
  readonly command: string
  readonly status: GatherStatus | 'skipped'
  readonly exitCode: number | null
  readonly durationMs: number
  readonly origin: string
  readonly error?: string
}

export interface PhaseOutcome {
  readonly id: string
  readonly title: string
  readonly purpose: string
  readonly gathered: readonly GatherOutcome[]
  readonly findings: readonly string[]
  readonly ruledOut: readonly string[]
  readonly undetermined: readonly string[]
}

/** One line of the audit log: every command that was sent (or refused), with a hash of what came back. */
export interface AuditEntry {
  readonly node: string
  readonly command: string
  readonly status: GatherStatus
  readonly exitCode: number | null
  readonly durationMs: number
  readonly outputSha256: string
}

/** Everything a run concluded; reporters render it, `--json` prints it. */
export interface Diagnosis {
  readonly playbook: string
  readonly title: string
  readonly target: string | null
  readonly source: {readonly kind: string; readonly description: string}
  readonly startedAt: string
  readonly durationMs: number
  readonly components: readonly {readonly id: string; readonly role: string}[]
  readonly scope: Scope
  readonly phases: readonly PhaseOutcome[]
  readonly suspects: readonly Suspect[]
  readonly ruledOut: readonly RuledOut[]
  readonly missing: readonly Missing[]
  readonly nextCommands: readonly string[]
  readonly audit: readonly AuditEntry[]
  /** False when some evidence could not be gathered: the answer may be incomplete. */
  readonly complete: boolean
  /** Things the reader should know about how this run went (e.g. which target was picked offline). */
  readonly notes: readonly string[]
  /** Knowledge-base pages the findings cite (`cloudtriage kb show <id>`). */
  readonly kb: readonly KbEntryRef[]
}

/** A knowledge-base page a run used: a signature that matched, or a page a check cites. */
export interface KbEntryRef {
  readonly id: string
  readonly title: string
  readonly type: 'component' | 'signature' | 'guide'
}
