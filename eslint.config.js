import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'lib/**',
      'node_modules/**',
      'coverage/**',
      '**/*.d.ts',
      'examples/**/node_modules/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The launcher is plain JavaScript run by Node: its globals are Node's.
    files: ['bin/**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        AbortController: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    // Example Lambda functions in CommonJS: require() searches NODE_PATH, where Lambda puts layers.
    // The derived import test runs the same way (`node -e` in the runtime image).
    files: ['examples/**/*.js', 'data/container/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        exports: 'writable',
        module: 'writable',
        Buffer: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          // The named z is zod's whole namespace object, locales included: esbuild keeps all of it
          // (550 KB) in the bundle every command loads. The namespace import lets it drop the rest.
          selector:
            "ImportDeclaration[source.value=/^zod$|\\/zod\\.js$/][importKind='value'] > ImportSpecifier[imported.name='z']",
          message: 'import * as z (the named z keeps all of zod in the bundle)',
        },
        {
          // Likewise a dynamic import of zod: its namespace is used whole, so esbuild keeps it all.
          selector: 'ImportExpression[source.value=/^zod$|\\/zod\\.js$/]',
          message: 'import a schema module (which imports * as z statically) instead',
        },
        {
          // src/core/zod.ts sets zod up before any schema parses; type-only imports are free.
          selector: "ImportDeclaration[source.value='zod'][importKind='value']",
          message: 'import * as z from src/core/zod.ts, which configures zod for a short-lived process',
        },
      ],
    },
  },
  {
    files: ['src/core/zod.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The core is a library: it never renders, prints or exits. The UI and commands do.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'ink', message: 'src/core must not import the UI (ink).' },
            { name: 'react', message: 'src/core must not import the UI (react).' },
          ],
          patterns: [
            {
              group: ['ink-*', '**/ui/**', '**/commands/**'],
              message: 'src/core must not depend on the UI or commands.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'exit',
          message: 'Throw a UserError; the CLI maps it to an exit code.',
        },
        { object: 'process', property: 'stdout', message: 'Emit an event; reporters render it.' },
        { object: 'process', property: 'stderr', message: 'Emit an event; reporters render it.' },
      ],
    },
  },
);
