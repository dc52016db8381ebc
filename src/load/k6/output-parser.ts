import { decodeLineJson } from './decode-json.ts';
import { decodeLineScan } from './decode-scan.ts';
import { type DecodedPoint, emptyPoint } from './point.ts';
import type { K6SampleAssembler } from './sample-assembler.ts';

export type LineDecoder = (line: string, out: DecodedPoint) => boolean;

export const LINE_DECODERS: Readonly<Record<'scan' | 'json', LineDecoder>> = {
  scan: decodeLineScan,
  json: decodeLineJson,
};

/**
 * Stream parser for `k6 run --out json=…`: newline-delimited JSON arriving in arbitrary
 * chunks (a line may be split anywhere, even inside a UTF-8 sequence). Complete lines go
 * through the decoder to the assembler; a trailing partial line waits for the next chunk.
 */
export class K6OutputParser {
  /** Bytes after the last newline of the previous chunk (an incomplete line). */
  private pending: Buffer = Buffer.alloc(0);
  private readonly point = emptyPoint();
  private rest = '';
  /** Complete lines seen. */
  lines = 0;
  /** Lines that became points Rebound reads. */
  points = 0;

  constructor(
    private readonly assembler: K6SampleAssembler,
    private readonly decode: LineDecoder = decodeLineScan,
  ) {}

  write(chunk: Buffer | string): void {
    if (typeof chunk === 'string') return this.writeText(chunk);
    // Decode only up to the last newline: a newline byte is always a UTF-8 character boundary,
    // so no character is ever split, and no incremental decoder is needed.
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline < 0) {
      this.pending = Buffer.concat([this.pending, chunk]);
      return;
    }
    const head = this.pending.length > 0 ? Buffer.concat([this.pending, chunk.subarray(0, lastNewline + 1)]) : chunk.subarray(0, lastNewline + 1);
    this.pending = Buffer.from(chunk.subarray(lastNewline + 1)); // copy: the caller reuses its buffer
    this.writeText(head.toString('utf8'));
  }

  private writeText(text: string): void {
    if (text.length === 0) return;
    const data = this.rest.length > 0 ? this.rest + text : text;
    let start = 0;
    let newline = data.indexOf('\n', start);
    while (newline >= 0) {
      if (newline > start) this.line(data.slice(start, newline));
      start = newline + 1;
      newline = data.indexOf('\n', start);
    }
    this.rest = start < data.length ? data.slice(start) : '';
  }

  /** End of the stream: a last line without a newline still counts. */
  end(): void {
    const tail = this.rest + this.pending.toString('utf8');
    this.rest = '';
    this.pending = Buffer.alloc(0);
    if (tail.trim().length > 0) this.line(tail);
    this.assembler.finish();
  }

  private line(line: string): void {
    this.lines++;
    if (this.decode(line, this.point)) {
      this.points++;
      this.assembler.accept(this.point);
    }
  }
}
