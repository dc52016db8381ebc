import { open, type FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 1 << 20;

/**
 * Follows a file another process is appending to (k6's --out json), handing each new chunk
 * to `onData`. A regular file rather than a FIFO: opening a FIFO blocks until the writer
 * opens it (a k6 that dies first would hang the reader), and a reader that falls behind
 * would stall k6; a file decouples them and costs only page cache.
 */
export class FileTail {
  private handle: FileHandle | undefined;
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private failure: unknown;

  constructor(
    private readonly file: string,
    private readonly onData: (chunk: Buffer) => void,
    private readonly pollMs = 25,
  ) {}

  async start(): Promise<void> {
    this.handle = await open(this.file, 'r');
    this.timer = setInterval(() => {
      this.reading = this.reading.then(() => this.drain()).catch((error: unknown) => {
        this.failure ??= error;
      });
    }, this.pollMs);
  }

  /** Reads what is left (call after the writer has exited) and closes the file. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      await this.reading;
      if (this.failure === undefined) await this.drain();
    } finally {
      await this.handle?.close();
      this.handle = undefined;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private async drain(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    for (;;) {
      const { bytesRead } = await handle.read(this.buffer, 0, CHUNK_BYTES, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      // onData must copy what it keeps: the buffer is reused (the parser decodes to strings).
      this.onData(this.buffer.subarray(0, bytesRead));
    }
  }
}
