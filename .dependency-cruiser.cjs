/** Layer rules: the domain core imports nothing of ours outside itself and does no I/O. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core may import only itself and pure libraries (zod, js-joda)',
      severity: 'error',
      from: { path: '^src/core' },
      to: { pathNot: ['^src/core', '^node_modules/(zod|@js-joda)/'] },
    },
    {
      name: 'botbuilder-stays-in-bot',
      comment:
        'every botbuilder import stays in src/bot (the SDK will be replaced by the Agents SDK)',
      severity: 'error',
      from: { pathNot: '^src/bot' },
      to: { path: '^node_modules/botbuilder' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/tab' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
