import reactHooks from 'eslint-plugin-react-hooks';
import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // The rules of hooks, and the React Compiler's checks for code that would render wrongly.
  { files: ['**/*.tsx', '**/*.ts'], ...reactHooks.configs.flat.recommended },
];
