import { PayloadTooLargeException } from '@nestjs/common';
import { DomainError } from '@triad/platform';

/** One line of an NDJSON body, numbered from 1 as an editor numbers it, without its line break. */
export interface NdjsonLine {
  number: number;
  text: string;
}

/**
 * The lines of an NDJSON body, each as soon as its bytes have arrived: no more of the body is held than the
 * line being read, and the next chunk is only read once the caller asks for the next line. Reading stops
 * with a 413 once more than `limitBytes` have arrived. A line may end in `\n` or `\r\n`, and the last one
 * needs no line break.
 */
export async function* ndjsonLines(body: AsyncIterable<Buffer>, limitBytes: number): AsyncGenerator<NdjsonLine> {
  const decoder = new TextDecoder();
  let received = 0;
  let number = 0;
  let partial = '';
  for await (const chunk of readable(body)) {
    received += chunk.length;
    if (received > limitBytes) {
      throw new PayloadTooLargeException(
        `The body is larger than ${limitBytes} bytes, the most this operation reads; it was read up to line ${number}: ` +
          'split it into smaller parts.',
      );
    }
    const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) yield { number: (number += 1), text: withoutCarriageReturn(text) };
  }
  const last = partial + decoder.decode();
  if (last !== '') yield { number: number + 1, text: withoutCarriageReturn(last) };
}

/** The body's chunks; a client that goes away mid-body is a 400 rather than an unexpected (logged) error. */
async function* readable(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* body;
  } catch {
    throw new DomainError('INVALID_ARGUMENT', 'REQUEST.BODY_INCOMPLETE', 'The request body ended before it was complete: send it again.');
  }
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
