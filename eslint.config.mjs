// ESLint flat configuration: the recommended TypeScript rules, with the few
// exceptions the code base relies on written out below.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // No source line over 140 characters (Prettier wraps at 110; strings and comments it cannot wrap).
      'max-len': ['error', { code: 140, ignoreUrls: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);
