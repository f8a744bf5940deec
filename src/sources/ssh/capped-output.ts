/**
 * Collects a stream's bytes up to a cap, keeping the head. A node can print without end (a huge log,
 * a misbehaving command); memory stays bounded and the caller learns the output was cut.
 */
export class CappedOutput {
  private readonly chunks: Buffer[] = []
  private size = 0
  truncated = false

  constructor(private readonly capBytes: number) {}

  /** Returns false once the cap is reached, so the caller can stop the producer. */
  push(chunk: Buffer): boolean {
    const room = this.capBytes - this.size
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room))
      this.size = this.capBytes
      this.truncated = true
      return false
    }
    this.chunks.push(chunk)
    this.size += chunk.length
    return true
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}
