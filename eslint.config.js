// Lint: TypeScript's recommended rules, plus the boundary that keeps the core testable:
// nothing outside the Electron shell (main/app, main/preload) may import electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export const ELECTRON_FREE_FOLDERS = [
  'main/core/**',
  'main/cli/**',
  'main/web/**',
  'emulator/**',
  'shared/**',
  'renderer/**',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'coverage/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ELECTRON_FREE_FOLDERS.map((folder) => `${folder.replace('/**', '')}/**/*.{ts,tsx,js,mjs}`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only main/app and main/preload may import electron (DESIGN.md, Boundaries).',
            },
          ],
          patterns: [
            {
              group: ['electron/*'],
              message: 'Only main/app and main/preload may import electron (DESIGN.md, Boundaries).',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.name='require'][arguments.0.value='electron'], ImportExpression[source.value='electron']",
          message: 'Only main/app and main/preload may load electron (DESIGN.md, Boundaries).',
        },
      ],
    },
  },
);
