/**
 * Incremental Server-Sent-Events parser. Bytes arrive in arbitrary pieces; each complete event is
 * returned with the arrival time of the piece holding its first byte (metrics.md: t_ev is stamped
 * when the bytes arrive, before parsing). Lines that are neither SSE fields nor comments, such as
 * the bare JSON error line Qianfan v1 writes mid-stream, come back as `bare` events.
 *
 * What the parser holds is capped: an unfinished line, and the data lines of an unfinished event,
 * may not pass `maxChars` (--max-response-bytes). They are measured in UTF-16 code units, which
 * never outnumber the UTF-8 bytes they came from, so the cap is never stricter than the bytes.
 * Past it the parser stops (`exceeded`), drops what it held and ignores further input.
 */
export interface SseEvent {
  kind: 'data' | 'bare';
  /** The joined `data:` lines, or the bare line's text. */
  text: string;
  event?: string;
  /** Arrival time of the chunk that held the first byte of this event. */
  at: number;
}

export class SseParser {
  /** An incomplete line carried over from earlier chunks, and when its first byte arrived. */
  private partialLine = '';
  private partialLineAt = 0;
  private dataLines: string[] = [];
  private eventName: string | undefined;
  private eventAt: number | undefined;
  private dataChars = 0;
  private readonly decoder = new TextDecoder('utf-8');
  /** Set once a line or an event passed the cap; the parser then holds nothing and ignores input. */
  exceeded = false;

  constructor(private readonly maxChars = Number.POSITIVE_INFINITY) {}

  /** Feeds one network chunk received at `at`; returns the events it completed (those before the cap was passed). */
  push(chunk: Uint8Array, at: number): SseEvent[] {
    if (this.exceeded) return [];
    const text = this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    let lineStart = 0;
    for (let newline = text.indexOf('\n'); newline !== -1 && !this.exceeded; newline = text.indexOf('\n', lineStart)) {
      let line = text.slice(lineStart, newline);
      let lineAt = at;
      if (lineStart === 0 && this.partialLine.length > 0) {
        line = this.partialLine + line;
        lineAt = this.partialLineAt;
        this.partialLine = '';
      }
      if (line.length > this.maxChars) {
        this.overflow();
        break;
      }
      this.handleLine(line.endsWith('\r') ? line.slice(0, -1) : line, lineAt, events);
      lineStart = newline + 1;
    }
    if (!this.exceeded && lineStart < text.length) {
      if (this.partialLine.length + text.length - lineStart > this.maxChars) this.overflow();
      else {
        if (this.partialLine.length === 0) this.partialLineAt = at;
        this.partialLine += text.slice(lineStart);
      }
    }
    return events;
  }

  private overflow(): void {
    this.exceeded = true;
    this.partialLine = '';
    this.dataLines = [];
    this.dataChars = 0;
  }

  /** Flushes what the stream ended with: an event without its blank line, or a bare line. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.exceeded) return events;
    const rest = this.partialLine + this.decoder.decode();
    this.partialLine = '';
    if (rest.trim().length > 0) this.handleLine(rest.replace(/\r$/, ''), this.partialLineAt, events);
    this.dispatch(events);
    return events;
  }

  private handleLine(line: string, at: number, events: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.eventAt ??= at;
        this.dataChars += value.length + 1;
        if (this.dataChars > this.maxChars) {
          this.overflow();
          return;
        }
        this.dataLines.push(value);
        return;
      case 'event':
        this.eventAt ??= at;
        this.eventName = value;
        return;
      case 'id':
      case 'retry':
        return;
      default:
        // Not an SSE field: Qianfan's bare JSON error line, or garbage. The provider decides which.
        events.push({ kind: 'bare', text: line, at });
    }
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0) {
      const event: SseEvent = { kind: 'data', text: this.dataLines.join('\n'), at: this.eventAt ?? 0 };
      if (this.eventName !== undefined) event.event = this.eventName;
      events.push(event);
    }
    this.dataLines = [];
    this.dataChars = 0;
    this.eventName = undefined;
    this.eventAt = undefined;
  }
}
