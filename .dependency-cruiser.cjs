// The layer rule of docs/architecture.md, checked by `npm run lint`: a module imports only its own
// folder and the layers below it, one source never imports another, and there are no cycles.

/** Layers from low to high; folders on one row are peers and do not import each other. */
const LAYERS = [
  ['common'],
  ['stats', 'input', 'fast-path'],
  ['records', 'findings'],
  ['analyzers'],
  ['sources'],
  ['parallel'],
  ['core'],
  ['health'],
  ['render'],
  ['cli'],
];

const layerRules = LAYERS.flatMap((row, level) =>
  row.map((folder) => {
    const forbidden = [...row.filter((peer) => peer !== folder), ...LAYERS.slice(level + 1).flat()];
    return {
      name: `${folder}-imports-only-lower-layers`,
      severity: 'error',
      comment: `src/${folder}/ may not import ${forbidden.join(', ')} (docs/architecture.md)`,
      from: { path: `^src/${folder}/` },
      to: { path: `^src/(${forbidden.join('|')})/` },
    };
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle makes load order matter and layers meaningless.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules.filter((rule) => rule.name !== 'cli-imports-only-lower-layers'),
    {
      name: 'sources-are-independent',
      severity: 'error',
      comment: 'A source folder imports no other source; what two sources share lives in a lower layer.',
      from: { path: '^src/sources/([^/]+)/' },
      to: { path: '^src/sources/[^/]+/', pathNot: '^src/sources/$1/' },
    },
    {
      name: 'everything-in-a-layer',
      severity: 'error',
      comment: 'Every file under src/ belongs to one of the layers above; a new folder needs a row.',
      from: { path: '^src/', pathNot: `^src/(${LAYERS.flat().join('|')})/` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a cycle of types still ties the layers together.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
