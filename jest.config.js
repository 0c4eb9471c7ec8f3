// One jest run for the whole suite: medium tests on the real PostgreSQL and Redis, and the browser
// suite. Each test file gets its own database cloned from a migrated template (test/support).
//
// NestJS 12 and several of its dependencies ship as ES modules only. Node 20 loads them from our
// CommonJS build (require of ESM), but jest's module loader does so only on Node 24.9+, so swc
// compiles every package marked "type": "module" to CommonJS for the tests, plus @fastify/cookie,
// whose import('cookie') jest would refuse without --experimental-vm-modules.
const fs = require('node:fs');
const path = require('node:path');

/** Packages in a node_modules folder, and (one level down) in theirs: sanitize-html nests ESM ones. */
function esmPackages(root = path.join(__dirname, 'node_modules'), depth = 0) {
  if (!fs.existsSync(root)) return [];
  const names = fs.readdirSync(root).flatMap((entry) =>
    entry.startsWith('@') ? fs.readdirSync(path.join(root, entry)).map((name) => `${entry}/${name}`) : [entry],
  );
  const esm = names.filter((name) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8')).type === 'module';
    } catch {
      return false;
    }
  });
  const nested = depth === 0 ? names.flatMap((name) => esmPackages(path.join(root, name, 'node_modules'), 1)) : [];
  return [...new Set([...esm, ...nested])];
}

const escape = (name) => name.replace(/[.+]/g, '\\$&');
const TRANSFORMED_PACKAGES = [...esmPackages(), '@fastify/cookie'].map(escape);

const swc = (syntax) => [
  '@swc/jest',
  {
    jsc: {
      parser: syntax === 'typescript' ? { syntax, decorators: true } : { syntax },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': swc('typescript'),
    '^.+\\.m?js$': swc('ecmascript'),
  },
  // Judged at the innermost node_modules of a path, so a nested ESM package is transformed too.
  transformIgnorePatterns: [`/node_modules/(?!.*/node_modules/)(?!(${TRANSFORMED_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 30000,
  verbose: true,
};
