import jsonata from 'jsonata'

/**
 * `{{ expression }}` templates in playbook text (commands, node names, sentences). Expressions are JSONata
 * over the facts; the facts are bound as $variables.
 */

const SLOT = /\{\{(.*?)\}\}/g

/** The JSONata expressions inside a template, in order. */
export function templateExpressions(text: string): string[] {
  return [...text.matchAll(SLOT)].map((m) => (m[1] ?? '').trim())
}

export type Bindings = Record<string, unknown>

/** Evaluate one JSONata expression with the facts bound as $variables. */
export async function evaluate(expr: string, bindings: Bindings): Promise<unknown> {
  const result: unknown = await jsonata(expr).evaluate({}, bindings)
  return normalize(result)
}

/** JSONata's own truthiness (empty arrays and strings are false), so playbook authors get one rule. */
export async function isTruthy(expr: string, bindings: Bindings): Promise<boolean> {
  return (await evaluate(`$boolean((${expr}))`, bindings)) === true
}

/**
 * Render a template to a string. Returns undefined when any slot evaluates to nothing (no value, null, an
 * empty list or string) or cannot be evaluated on the data it got, so callers can tell "this command cannot
 * be built" from a command with an empty argument, and evidence of an unexpected shape never aborts a run.
 */
export async function renderTemplate(text: string, bindings: Bindings): Promise<string | undefined> {
  const expressions = templateExpressions(text)
  if (expressions.length === 0) return text
  const values = await Promise.all(expressions.map((expr) => evaluate(expr, bindings).catch(() => undefined)))
  if (values.some(isNothing)) return undefined
  let i = 0
  return text.replaceAll(SLOT, () => display(values[i++]))
}

/** Like renderTemplate, but for prose: a missing value reads as "?" instead of failing the sentence. */
export async function renderProse(text: string, bindings: Bindings): Promise<string> {
  const expressions = templateExpressions(text)
  const values = await Promise.all(
    expressions.map(async (expr) => {
      try {
        return await evaluate(expr, bindings)
      } catch {
        return undefined
      }
    }),
  )
  let i = 0
  return text.replaceAll(SLOT, () => {
    const v = values[i++]
    return v === undefined || v === null ? '?' : display(v)
  })
}

function isNothing(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
}

/** How a value reads inside text: strings as they are, lists joined with commas, records as JSON. */
export function display(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.map(display).join(', ')
  return JSON.stringify(value) ?? ''
}

/** JSONata marks sequences with extra properties; hand back plain JSON values. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 1 && (value as {sequence?: boolean}).sequence ? value[0] : [...value]
  return value
}

/** The `$name` fact variables an expression refers to (JSONata builtins like $count are filtered by the caller). */
export function referencedVariables(expr: string): string[] {
  const names = new Set<string>()
  for (const m of expr.matchAll(/\$([a-zA-Z][a-zA-Z0-9]*)/g)) names.add(m[1] ?? '')
  return [...names]
}
