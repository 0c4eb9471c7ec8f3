// Dependencies between the folders of src/ point one way (STYLE.md, "the house"): a relative import
// from src/A/... to src/B/... is an edge A -> B, and the folder graph has no cycle. A file directly
// in src/ (paths.ts, app.module.ts) is a node of its own. `import type` counts too: a type-only
// import still ties one area's code to another's. Both the source tree and the cycle finder's own
// catch are tested.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

const SRC = join(__dirname, '..', 'src');

/** Folder → the folders it imports, each with the first import that makes the edge ("file: specifier"). */
type FolderGraph = Map<string, Map<string, string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The node a path under src/ belongs to: its top folder, or the file itself (as imported, without .ts) when it sits in src/. */
function folderOf(pathUnderSrc: string): string {
  return pathUnderSrc.split(sep)[0].replace(/\.ts$/, '');
}

function folderGraph(): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(relative(SRC, file));
    if (!graph.has(from)) graph.set(from, new Map());
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;
    for (const { fileName } of imports) {
      if (!fileName.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file), fileName));
      if (target.startsWith('..')) continue;
      const to = folderOf(target);
      const edges = graph.get(from)!;
      if (to !== from && !edges.has(to)) edges.set(to, `${relative(SRC, file)}: '${fileName}'`);
    }
  }
  return graph;
}

/** The shortest way from start round to itself inside a group of folders, start repeated at the end. */
function shortestCycle(start: string, group: string[], targets: (node: string) => string[]): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of targets(node).filter((target) => group.includes(target)).sort()) {
      if (next === start) {
        const cycle = [start];
        for (let step = node; step !== start; step = cameFrom.get(step)!) cycle.splice(1, 0, step);
        return [...cycle, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  throw new Error(`No way from ${start} round to itself in ${group.join(', ')}`);
}

/**
 * The cycles of a graph: its strongly connected groups of folders (Tarjan), and in each the
 * shortest cycle through every member, each cycle once, written from its first folder by name.
 */
function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const targets = (node: string) => graph.get(node) ?? [];

  const visit = (node: string) => {
    index.set(node, index.size);
    lowLink.set(node, index.get(node)!);
    stack.push(node);
    for (const next of targets(node)) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (stack.includes(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || targets(node).includes(node)) groups.push(group.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);

  const cycles = new Map<string, string[]>();
  for (const group of groups) {
    for (const member of group) {
      const round = shortestCycle(member, group, targets).slice(0, -1);
      const first = round.indexOf([...round].sort()[0]);
      const cycle = [...round.slice(first), ...round.slice(0, first), round[first]];
      cycles.set(cycle.join(' -> '), cycle);
    }
  }
  return [...cycles.values()];
}

describe('folder import graph of src/', () => {
  it('finds a made-up cycle and nothing in an acyclic graph', () => {
    const cyclic = new Map([
      ['web', ['access']],
      ['access', ['queue', 'database']],
      ['queue', ['web', 'database']],
      ['database', []],
    ]);
    expect(findCycles(cyclic)).toEqual([['access', 'queue', 'web', 'access']]);

    const acyclic = new Map([
      ['web', ['access']],
      ['access', ['database']],
      ['queue', ['database']],
      ['database', []],
    ]);
    expect(findCycles(acyclic)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const graph = folderGraph();
    const cycles = findCycles(new Map([...graph].map(([folder, edges]) => [folder, [...edges.keys()]])));
    const described = cycles.map((cycle) =>
      [
        cycle.join(' -> '),
        ...cycle.slice(1).map((to, step) => `  ${cycle[step]} -> ${to} by ${graph.get(cycle[step])!.get(to)}`),
      ].join('\n'),
    );
    expect(described).toEqual([]);
  });
});
