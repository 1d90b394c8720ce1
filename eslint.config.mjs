import nx from '@nx/eslint-plugin';

// Module boundaries on two axes (DESIGN section 10):
// type: apps compose features; features use data-access and utils; everything may use contracts.
// scope: each area reaches only itself, shared and contracts, plus the areas it builds on.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.data', '**/tmp', '**/*.js'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:contracts'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:contracts'] },
            { sourceTag: 'scope:storage', onlyDependOnLibsWithTags: ['scope:storage', 'scope:shared', 'scope:contracts'] },
            { sourceTag: 'scope:protocols', onlyDependOnLibsWithTags: ['scope:protocols', 'scope:storage', 'scope:shared', 'scope:contracts'] },
            { sourceTag: 'scope:query', onlyDependOnLibsWithTags: ['scope:query', 'scope:storage', 'scope:shared', 'scope:contracts'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared', 'scope:contracts'] },
            {
              sourceTag: 'scope:standalone',
              onlyDependOnLibsWithTags: ['scope:gateway', 'scope:protocols', 'scope:storage', 'scope:query', 'scope:shared', 'scope:contracts'],
            },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:contracts'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
