/** One server-sent event as a client receives it; a field the server did not send is absent. */
export interface ServerSentEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** A `text/event-stream` response read the way an EventSource reads it, over a plain fetch. */
export interface EventStream {
  status: number;
  headers: Headers;
  /** The comment lines received so far (heartbeats), without their leading colon. */
  comments: string[];
  /** The next event, or undefined once the server has ended the stream. Comments are collected, not returned. */
  next(): Promise<ServerSentEvent | undefined>;
  /** Every event until the server ends the stream. */
  rest(): Promise<ServerSentEvent[]>;
  /** Goes away, as a closed browser tab does. */
  close(): void;
}

/** Opens `url` as an event stream, sending `headers` (`authorization`, `last-event-id`). */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  const comments: string[] = [];
  let buffered = '';

  const next = async (): Promise<ServerSentEvent | undefined> => {
    for (;;) {
      const end = buffered.search(/\r?\n\r?\n/);
      if (end !== -1) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end).replace(/^\r?\n\r?\n/, '');
        const event = parseBlock(block, comments);
        if (event) return event;
        continue;
      }
      const chunk = await reader?.read().catch(() => ({ done: true as const, value: undefined }));
      if (!chunk || chunk.done) return undefined;
      buffered += chunk.value;
    }
  };
  const rest = async () => {
    const events: ServerSentEvent[] = [];
    for (let event = await next(); event; event = await next()) events.push(event);
    return events;
  };
  return { status: response.status, headers: response.headers, comments, next, rest, close: () => abort.abort() };
}

/** The events of a `text/event-stream` body read whole, such as a stream that has ended. */
export function parseEventStream(body: string): ServerSentEvent[] {
  return body.split(/\r?\n\r?\n/).flatMap((block) => parseBlock(block, []) ?? []);
}

/** The event in one block of lines, or undefined when it holds only comments (or is the blank line after the headers). */
function parseBlock(block: string, comments: string[]): ServerSentEvent | undefined {
  const event: ServerSentEvent = {};
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim());
    const [, field, value = ''] = /^(id|event|data): ?(.*)$/.exec(line) ?? [];
    if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
    else if (field === 'id' || field === 'event') event[field] = value;
  }
  return Object.keys(event).length > 0 ? event : undefined;
}
