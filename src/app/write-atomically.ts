import {rename, rm, writeFile} from 'node:fs/promises'

/** Write a file so that readers see the old content or the new, never half of it. */
export async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.partial-${process.pid}`
  try {
    await writeFile(tmp, content, {flag: 'wx'})
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, {force: true})
    throw error
  }
}
