import { getChannelzHandlers } from '@grpc/grpc-js';

/** The parts of a channelz `Channel` message read here. */
interface ChannelMessage {
  ref: { channel_id: number };
  data: { target: string; calls_started: number; calls_succeeded: number; calls_failed: number };
}

/**
 * How many gRPC calls this process has open to `address` (`host:port`), from grpc-js's own channelz counters:
 * the calls its channels started, less those that ended. rest-api runs in the spec's process, so these are its
 * calls.
 *
 * The one thing rest-api's specs read that is not part of an answer: whether the edge cancels a call nobody
 * waits for any longer, such as the WatchOrder behind an event stream whose client went away. No client can
 * see that, and neither can orders-service, whose watch of an order that does not change would just stay open.
 */
export async function openGrpcCalls(address: string): Promise<number> {
  let open = 0;
  for (let from = 0, end = false; !end;) {
    const page = await topChannels(from);
    for (const { data } of page.channel) {
      if (data.target.endsWith(address)) open += data.calls_started - data.calls_succeeded - data.calls_failed;
    }
    end = page.end || page.channel.length === 0;
    from = (page.channel.at(-1)?.ref.channel_id ?? 0) + 1;
  }
  return open;
}

/** One page of grpc-js's channels, from the id `from` on, through its channelz handlers (no server needed). */
function topChannels(from: number): Promise<{ channel: ChannelMessage[]; end: boolean }> {
  return new Promise((resolve, reject) =>
    getChannelzHandlers().GetTopChannels({ request: { start_channel_id: from, max_results: 100 } } as never, (error, value) =>
      error ? reject(error) : resolve(value as never),
    ),
  );
}
