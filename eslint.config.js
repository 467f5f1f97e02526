// Lint rules for qfbench: typescript-eslint's type-aware recommended set, plus the habits STYLE.md
// asks for (no stray console output in library code, no floating promises).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      // Sanitising server text means matching control characters on purpose.
      'no-control-regex': 'off',
      'no-console': 'error',
    },
  },
  { files: ['*.js'], ...tseslint.configs.disableTypeChecked },
  {
    // Tests and benchmarks may print, and tests poke at internals.
    files: ['test/**/*.ts', 'src/bench/**/*.ts', '*.config.*'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
