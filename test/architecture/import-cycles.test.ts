import path from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Every import loop among the files matched by `glob`, as lists of paths relative to the
 * repository. Type-only imports count (dpdm's `transform: false`): TypeScript erases them at run
 * time, but a loop of types is still two modules that cannot be read, changed or moved apart.
 */
async function importCycles(glob: string): Promise<string[][]> {
  const tree = await parseDependencyTree(glob, {
    context: ROOT,
    cwd: ROOT,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    transform: false,
    skipDynamicImports: false,
  });
  // Each loop sorted, so the answer does not depend on the order the glob visited the files.
  return parseCircular(tree).map((cycle) => [...cycle].sort());
}

describe('imports', () => {
  it('src/ has no import cycle (slack → services → domain, services → storage, one way)', async () => {
    expect(await importCycles('src/**/*.ts')).toEqual([]);
  });

  it('a loop of type-only imports is found (the check can fail)', async () => {
    expect(await importCycles('test/architecture/fixtures/cycle/*.ts')).toEqual([
      ['test/architecture/fixtures/cycle/round.ts', 'test/architecture/fixtures/cycle/summary.ts'],
    ]);
    expect(await importCycles('test/architecture/fixtures/cycle/round.ts')).toHaveLength(1);
  });
});
