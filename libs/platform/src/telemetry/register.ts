/**
 * The entry point Node loads before the application: `node --import @triad/platform/telemetry/register main.js`.
 * Instrumentations can only patch modules loaded after them, so this runs before the app's first `import`.
 */
import { startTelemetry } from './telemetry.js';

startTelemetry();
