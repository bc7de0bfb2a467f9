import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LastTraceProvider, useLastTraceStore, type LastTraceStore } from './last-trace-context';
import { TraceFooter } from './trace-footer';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The footer inside its provider, and the store the GraphQL client would write to. */
function renderFooter(): LastTraceStore {
  let store: LastTraceStore | undefined;
  function Capture() {
    store = useLastTraceStore();
    return null;
  }
  render(
    <LastTraceProvider>
      <Capture />
      <TraceFooter />
    </LastTraceProvider>,
  );
  return store!;
}

describe('TraceFooter', () => {
  it('shows nothing before the first response', () => {
    renderFooter();
    expect(screen.queryByRole('contentinfo')).toBeNull();
  });

  it('shows the trace id of the last response, labelled for what it is', () => {
    const store = renderFooter();
    act(() => store.set('0af7651916cd43dd8448eb211c80319c'));
    act(() => store.set(TRACE_ID));

    const footer = screen.getByRole('contentinfo', { name: 'Trace of the last request' });
    expect(footer.textContent).toBe(`trace ${TRACE_ID}`);
    expect(footer.querySelector('code')?.title).toMatch(/^The trace id of the last request/);
  });
});
