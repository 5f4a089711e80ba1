/** Keeps the last `maxBytes` bytes written to it: memory stays bounded however much a process prints. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.chunks.push(bytes);
    this.size += bytes.length;
    if (this.size > 2 * this.maxBytes) this.compact();
  }

  text(): string {
    this.compact();
    const bytes = this.chunks[0] ?? Buffer.alloc(0);
    // The cut may fall inside a UTF-8 character: drop its continuation bytes.
    let start = 0;
    while (start < bytes.length && start < 3 && (bytes[start]! & 0xc0) === 0x80) start++;
    return bytes.subarray(start).toString('utf8');
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    const kept = Buffer.from(all.subarray(Math.max(0, all.length - this.maxBytes)));
    this.chunks = [kept];
    this.size = kept.length;
  }
}

/** The last `maxChars` characters of a string. */
export function tailOf(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : text.slice(text.length - maxChars);
}
