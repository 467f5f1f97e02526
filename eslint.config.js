// Lint rules for qfbench: typescript-eslint's type-aware recommended set, the habits STYLE.md asks
// for (no stray console output in library code, no floating promises), no import cycles, and the
// one-way direction of ../shared/ARCHITECTURE.md: each folder may not import the ones listed for it.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Folder under src/ -> folders it must never import (they sit downstream of it, or are the other side of the wire). */
const FORBIDDEN = {
  util: ['dataset', 'plan', 'load', 'providers', 'metrics', 'eval', 'cost', 'compare', 'report', 'run', 'cli', 'sim', 'config', 'qianfan', 'bench'],
  qianfan: ['providers', 'sim', 'run', 'report', 'cli', 'load', 'metrics', 'eval', 'cost', 'compare', 'bench'],
  dataset: ['report', 'run', 'cli', 'sim', 'load', 'providers', 'bench'],
  plan: ['report', 'run', 'cli', 'sim', 'load', 'bench'],
  load: ['report', 'run', 'cli', 'sim', 'bench'],
  providers: ['report', 'run', 'cli', 'sim', 'load', 'bench'],
  metrics: ['report', 'run', 'cli', 'sim', 'bench'],
  config: ['cli', 'run', 'report', 'sim', 'bench'],
  eval: ['report', 'run', 'cli', 'sim', 'bench'],
  cost: ['report', 'run', 'cli', 'sim', 'bench'],
  compare: ['report', 'run', 'cli', 'sim', 'bench'],
  report: ['run', 'cli', 'sim', 'bench'],
  sim: ['providers', 'run', 'report', 'cli', 'load', 'bench'],
  run: ['cli', 'bench'],
  k8s: ['dataset', 'plan', 'load', 'providers', 'metrics', 'eval', 'cost', 'compare', 'report', 'run', 'cli', 'sim', 'qianfan', 'bench'],
};

const boundaries = Object.entries(FORBIDDEN).map(([folder, forbidden]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((target) => ({
          group: [`**/${target}/*`, `**/${target}/**`, `../${target}`, `../../${target}`],
          message: `src/${folder} must not import src/${target} (ARCHITECTURE.md: dependencies point one way).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.check.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      // Sanitising server text means matching control characters on purpose.
      'no-control-regex': 'off',
      'no-console': 'error',
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  ...boundaries,
  { files: ['*.js'], ...tseslint.configs.disableTypeChecked },
  {
    // Tests and benchmarks may print, and tests poke at internals.
    files: ['test/**/*.ts', 'src/bench/**/*.ts', '*.config.*'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
