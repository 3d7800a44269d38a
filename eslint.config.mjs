// ESLint flat configuration: TypeScript rules everywhere, and the Temporal workflow sandbox rules for
// workflow code, which must stay deterministic and free of I/O.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

// Modules that perform I/O or run outside the workflow sandbox.
const ioModules = [
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/testing',
  '@temporalio/worker',
  'axios',
  'mssql',
  'node-sqlite3-wasm',
  'pdf-lib',
  'yaml',
  'commander',
];

// Project folders whose code performs I/O; workflows may import their types only.
const ioFolders = ['activities', 'config', 'project-management', 'sandbox', 'starter', 'visma-business', 'worker'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.temporal-tools/', '.sandbox/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['bin/**/*.js', '*.config.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/workflows/**/*.ts', 'tests/fixtures/**/*workflows*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...nodeBuiltins.map((name) => `node:${name}`), ...ioModules].map((name) => ({
            name,
            message: 'Workflow code runs in a deterministic sandbox: move I/O into an activity.',
          })),
          patterns: [
            {
              group: ioFolders.map((folder) => `**/${folder}/**`),
              allowTypeImports: true,
              message: 'Workflow code may import only types from this folder; call it through an activity.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use workflow time from the Temporal APIs.' },
        { object: 'Math', property: 'random', message: 'Use a value from an activity or uuid4() of the workflow API.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code has no process environment; pass values as arguments.' },
      ],
    },
  },
);
