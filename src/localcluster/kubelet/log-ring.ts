/** The last N lines a container wrote (stdout and stderr interleaved), for logs and crash messages. */
export class LogRing {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly capacity = 100) {}

  write(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > 8192) {
      parts.push(this.partial);
      this.partial = '';
    }
    for (const line of parts) this.push(line);
  }

  /** Marks a boundary (a restart) so the next output starts on a fresh line. */
  flush(): void {
    if (this.partial) this.push(this.partial);
    this.partial = '';
  }

  tail(count = this.capacity): string[] {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(Math.max(0, all.length - count));
  }

  private push(line: string): void {
    this.lines.push(line.replace(/\r$/, ''));
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }
}
