import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Each spec starts with an empty screen and an empty tab: no session, no cart. (Specs that run in the node
// environment, such as the codegen check, have no window.)
afterEach(() => {
  cleanup();
  if (typeof window !== 'undefined') window.sessionStorage.clear();
});
