// What a new user and an operator start from, checked against each other: the Node versions
// package.json admits against every installed package's own engines (npm warns at install for each
// that disagrees), and docker-compose.yml's several-process shape against the nginx template it mounts.
import { load, YAML11_SCHEMA } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { PROJECT_ROOT } from '../src/paths';

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');

describe('the Node version', () => {
  const declared: string = JSON.parse(read('package.json')).engines.node;
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
  // The lowest Node of each range package.json admits, e.g. 22.13.0 and 24.11.0.
  const lowest = new semver.Range(declared).set.map((comparators) => semver.minVersion(comparators.map((c) => c.value).join(' '))!.version);

  it('admits only Node 22.13 and newer (Node 20 is past its end of life)', () => {
    expect(lowest).toEqual(['22.13.0', '24.11.0']);
    expect(semver.satisfies('20.19.0', declared)).toBe(false);
  });

  it('agrees with every installed package: the lowest Node of each admitted line satisfies its engines, so npm install warns of none', () => {
    const disagreeing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !Array.isArray(entry.engines) && typeof entry.engines?.node === 'string')
      .flatMap(([path, entry]) => {
        const wanted = (entry.engines as { node: string }).node;
        return lowest.filter((node) => !semver.satisfies(node, wanted)).map((node) => `${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${wanted}, not ${node}`);
      });
    expect(disagreeing).toEqual([]);
  });

  it('is the one .nvmrc and docker compose use', () => {
    const major = read('.nvmrc').trim();
    expect(semver.satisfies(`${major}.99.0`, declared)).toBe(true);
    // The processes' image is built from deploy/Dockerfile (Node with Voikko).
    const images = [...read('docker-compose.yml').matchAll(/image: node:(\d+)/g), ...read('deploy/Dockerfile').matchAll(/^FROM node:(\d+)/gm)].map((match) => match[1]);
    expect(images.length).toBeGreaterThan(0);
    expect(new Set(images)).toEqual(new Set([major]));
  });
});

describe('docker-compose.yml', () => {
  type Service = { image?: string; environment?: Record<string, string>; deploy?: { replicas?: number }; volumes?: string[]; ports?: string[] };
  // Compose reads YAML 1.1, whose merge keys (<<: *verso-environment) share the settings.
  const compose = load(read('docker-compose.yml'), { schema: YAML11_SCHEMA }) as { services: Record<string, Service> };
  const template = read('deploy/nginx.conf.template');

  it('runs two web processes and a worker behind nginx, agreeing on the settings that must agree', () => {
    const { web, worker, nginx } = compose.services;
    expect(web.environment).toMatchObject({ APP_ROLE: 'web' });
    expect(web.deploy?.replicas).toBe(2);
    expect(worker.environment).toMatchObject({ APP_ROLE: 'worker' });
    for (const setting of ['SESSION_SECRET', 'REDIS_PREFIX', 'DATABASE_URL', 'REDIS_URL', 'BASE_URL']) {
      expect(web.environment?.[setting]).toBeDefined();
      expect(worker.environment?.[setting]).toBe(web.environment?.[setting]);
    }
    expect(web.environment?.TRUST_PROXY).toBeDefined();
    expect(nginx.image).toMatch(/^nginx:/);
    expect(nginx.ports).toEqual(['3000:80']);
  });

  it('runs every process in the image with Voikko, which Finnish search uses', () => {
    const { web, worker, install } = compose.services as Record<string, Service & { build?: { context?: string } }>;
    for (const service of [web, worker, install]) expect(service.build?.context).toBe('deploy');
    expect(read('deploy/Dockerfile')).toMatch(/apt-get install -y --no-install-recommends libvoikko1 voikko-fi/);
  });

  it('mounts deploy/nginx.conf.template and fills in every placeholder it has', () => {
    const { nginx } = compose.services;
    expect(nginx.volumes).toContain('./deploy/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro');
    const placeholders = [...new Set([...template.matchAll(/\$\{(VERSO_[A-Z_]+)\}/g)].map((match) => match[1]))].sort();
    expect(placeholders).toEqual(['VERSO_LISTEN', 'VERSO_WEB_SERVERS']);
    expect(Object.keys(nginx.environment ?? {}).sort()).toEqual(placeholders);
  });
});
