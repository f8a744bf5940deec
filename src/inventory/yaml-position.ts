import {isMap, isNode, isPair, isScalar, type Document, type LineCounter} from 'yaml'

/**
 * `file:line:col` for a path inside a parsed YAML document, so schema errors point at the exact spot.
 * With `key`, points at that key of the map at `path` (for unknown keys and duplicates). Falls back to
 * the nearest existing ancestor, then to the start of the file.
 */
export function positionOf(
  file: string,
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  key?: string,
): string {
  const offset = offsetOf(doc, path, key)
  const {line, col} = lineCounter.linePos(offset)
  return `${file}:${line}:${col}`
}

function offsetOf(doc: Document, path: readonly PropertyKey[], key?: string): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true)
    if (!isNode(node)) continue
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key)
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0]
    }
    if (node.range) return node.range[0]
  }
  return doc.contents?.range?.[0] ?? 0
}
