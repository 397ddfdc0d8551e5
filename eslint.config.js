// Lint enforces the layer rules of ARCHITECTURE.md: imports flow shared ← core ← {cli, main},
// shared ← emulator ← cli, shared ← preload, shared ← renderer. A violation fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'http',
  'https',
  'net',
  'stream',
  'zlib',
  'url',
  'util',
  'events',
];

// Tests may use Node to set up and inspect; the layer rules apply to shipped code.
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

const restrict = (patterns, message) => ['error', { patterns: [{ group: patterns, message }] }];

/** Zones: `target` files may not import from `from`. */
const zones = [
  {
    target: './src/shared',
    from: ['./src/core', './src/cli', './src/main', './src/preload', './src/renderer', './src/emulator'],
    message: 'shared is pure: it imports no other layer.',
  },
  {
    target: './src/core',
    from: ['./src/cli', './src/main', './src/preload', './src/renderer', './src/emulator'],
    message: 'core imports only shared.',
  },
  {
    target: './src/emulator',
    from: ['./src/core', './src/cli', './src/main', './src/preload', './src/renderer'],
    message: 'the emulator imports only shared.',
  },
  {
    target: './src/cli',
    from: ['./src/main', './src/preload', './src/renderer'],
    message: 'the CLI imports shared, core and emulator only.',
  },
  {
    target: './src/main',
    from: ['./src/cli', './src/preload', './src/renderer', './src/emulator'],
    message: 'main imports shared and core only.',
  },
  {
    target: './src/preload',
    from: ['./src/core', './src/cli', './src/main', './src/renderer', './src/emulator'],
    message: 'preload imports shared only.',
  },
  {
    target: './src/renderer',
    from: ['./src/core', './src/cli', './src/main', './src/preload', './src/emulator'],
    message: 'the renderer talks only to window.api (imports shared only).',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', '.tsbuild/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true, project: './tsconfig.test.json' })],
    },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': restrict(
        [...NODE_BUILTINS, 'electron', 'react', 'react-dom', 'better-sqlite3*'],
        'src/shared is pure TypeScript: no Node, Electron, DOM or database imports.',
      ),
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': restrict(['electron', 'react', 'react-dom', 'vis-*'], 'src/core must stay Electron- and React-free.'),
    },
  },
  {
    files: ['src/emulator/**/*.ts'],
    ignores: TESTS,
    rules: { 'no-restricted-imports': restrict(['electron', 'react', 'react-dom', 'better-sqlite3*'], 'the emulator is plain Node.') },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    ignores: TESTS,
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(
        [...NODE_BUILTINS, 'electron', 'better-sqlite3*', '@azure/*'],
        'the renderer may only talk to window.api.',
      ),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': restrict(
        [...NODE_BUILTINS.filter((p) => p !== 'events'), 'better-sqlite3*', 'react'],
        'preload exposes window.api only.',
      ),
    },
  },
  {
    files: ['src/cli/**/*.ts', 'scripts/**/*.{ts,mjs,js}', 'bench/**/*.ts', 'bin/**/*.js'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', 'no-console': 'off' },
  },
  prettier,
);
