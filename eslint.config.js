// Lint: TypeScript's recommended rules, plus DESIGN.md's layer table as a rule (scripts/eslint-layers.mjs):
// what each layer may import, `electron` included, so the core stays testable without Electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './scripts/eslint-layers.mjs';

/** DESIGN.md "Layout": each layer and what it may import besides itself, Node and npm packages. */
export const LAYERS = {
  'main/core': ['shared', 'package.json'],
  'main/app': ['electron', 'main/core', 'shared'],
  // The Electron bundle's entry: a varsync command runs in CLI mode, anything else starts the tray app.
  'main/app-cli': ['electron', 'main/app', 'main/cli', 'main/core', 'shared'],
  'main/preload': ['electron', 'shared'],
  'main/cli': ['main/core', 'main/web', 'shared'],
  'main/web': ['main/core', 'shared'],
  renderer: ['shared'],
  shared: [],
  emulator: ['shared'],
};

/** Single files allowed one more layer: the built-in demo runs the emulator (loaded only when it runs). */
export const LAYER_EXCEPTIONS = {
  'main/core/demo.ts': ['emulator'],
};

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
    files: Object.keys(LAYERS).map((layer) => `${layer}/**/*.{ts,tsx,js,mjs}`),
    plugins: { layers: layersPlugin },
    rules: { 'layers/imports': ['error', { layers: LAYERS, files: LAYER_EXCEPTIONS }] },
  },
);
