// The FileStore contract, run against each store: bytes in, the same bytes out by their SHA-256,
// the same content stored once, even when two uploads of it finish at once, and a failed put
// leaving nothing behind. PostgresFileStore runs on the test database; for S3FileStore no S3-compatible
// server installs here, so it talks to a small fake of S3's HTTP requests (fakeS3 below).
import { S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CONFIG } from '../src/config/config';
import { FileAccessRules } from '../src/files/file-access';
import { FileStore } from '../src/files/file-store';
import { FilesService } from '../src/files/files.service';
import { LOGGER } from '../src/logging/logger';
import { CHUNK_BYTES, PostgresFileStore } from '../src/files/postgres-file-store';
import { s3ClientConfig, S3FileStore } from '../src/files/s3-file-store';
import { startTestApp, TestApp } from './support/test-app';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

/** A stream of `bytes` in small pieces (as a network gives them), failing after `failAfter` bytes when set. */
function streamOf(bytes: Buffer, failAfter?: number): Readable {
  return Readable.from(
    (async function* () {
      for (let at = 0; at < bytes.length; at += 64 * 1024) {
        if (failAfter !== undefined && at >= failAfter) throw new Error('the client went away');
        yield bytes.subarray(at, at + 64 * 1024);
      }
    })(),
  );
}

function contract(name: string, setUp: () => Promise<{ store: FileStore; leftovers: () => Promise<number> }>) {
  describe(name, () => {
    let store: FileStore;
    let leftovers: () => Promise<number>;
    beforeAll(async () => ({ store, leftovers } = await setUp()));

    it('stores bytes under their SHA-256 and gives the same bytes back', async () => {
      const bytes = randomBytes(CHUNK_BYTES * 2 + 12345);
      const put = await store.put(streamOf(bytes));
      expect(put).toEqual({ sha256: sha256(bytes), size: bytes.length });
      expect(await store.has(put.sha256)).toBe(true);
      expect((await readAll((await store.get(put.sha256))!)).equals(bytes)).toBe(true);
    });

    it('gives a range of the bytes: within a piece, across chunks, to the end, one byte', async () => {
      const bytes = randomBytes(CHUNK_BYTES * 2 + 12345);
      const put = await store.put(streamOf(bytes));
      const ranges = [
        { start: 0, end: 99 },
        { start: 70_000, end: 70_000 },
        { start: CHUNK_BYTES - 10, end: CHUNK_BYTES * 2 + 10 },
        { start: CHUNK_BYTES * 2, end: bytes.length - 1 },
        { start: 5, end: bytes.length - 1 },
      ];
      for (const range of ranges) {
        const got = await readAll((await store.get(put.sha256, { range }))!);
        expect({ range, equal: got.equals(bytes.subarray(range.start, range.end + 1)) }).toEqual({ range, equal: true });
      }
    });

    it('answers null and false for a hash it does not have, and for one that is not a hash', async () => {
      const unknown = sha256(randomBytes(10));
      expect(await store.get(unknown)).toBeNull();
      expect(await store.has(unknown)).toBe(false);
      expect(await store.has('../etc/passwd')).toBe(false);
    });

    it('stores the same bytes once, also when two puts of them run at once', async () => {
      const bytes = randomBytes(300_000);
      const before = await leftovers();
      const [a, b] = await Promise.all([store.put(streamOf(bytes)), store.put(streamOf(bytes))]);
      expect(a).toEqual(b);
      await store.put(streamOf(bytes));
      expect(await leftovers()).toBe(before + 1);
      expect((await readAll((await store.get(a.sha256))!)).equals(bytes)).toBe(true);
    });

    it('stores an empty content like any other', async () => {
      const put = await store.put(Readable.from([]));
      expect(put).toEqual({ sha256: sha256(Buffer.alloc(0)), size: 0 });
      expect((await readAll((await store.get(put.sha256))!)).length).toBe(0);
    });

    it('keeps nothing of a put whose content fails halfway', async () => {
      const before = await leftovers();
      const bytes = randomBytes(CHUNK_BYTES * 3);
      await expect(store.put(streamOf(bytes, CHUNK_BYTES + 100))).rejects.toThrow('the client went away');
      expect(await leftovers()).toBe(before);
      expect(await store.has(sha256(bytes))).toBe(false);
    });

    it('deletes', async () => {
      const put = await store.put(streamOf(randomBytes(1000)));
      await store.delete(put.sha256);
      expect(await store.has(put.sha256)).toBe(false);
      expect(await store.get(put.sha256)).toBeNull();
    });
  });
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(() => t?.close());

contract('PostgresFileStore', async () => {
  const db = t.app.get(DataSource);
  const countBlobs = async () => Number((await db.query(`SELECT count(DISTINCT blob_key) AS n FROM file_chunk`))[0].n);
  return { store: new PostgresFileStore(db), leftovers: countBlobs };
});

/**
 * A bucket behind a small HTTP server speaking the few S3 requests S3FileStore makes (path-style
 * PUT, PUT with x-amz-copy-source, HEAD, GET, DELETE), so the real AWS SDK client is exercised down
 * to its HTTP requests. It records each request's method and path.
 */
async function fakeS3(): Promise<{ endpoint: string; objects: Map<string, Buffer>; modified: Map<string, Date>; requests: string[]; close(): Promise<void> }> {
  const objects = new Map<string, Buffer>();
  const modified = new Map<string, Date>();
  const requests: string[] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url!, 'http://s3');
    const path = decodeURIComponent(url.pathname);
    const copySource = request.headers['x-amz-copy-source'] as string | undefined;
    requests.push(`${request.method} ${path}${copySource ? ` copy ${decodeURIComponent(copySource)}` : ''}`);
    const pieces: Buffer[] = [];
    for await (const piece of request) pieces.push(piece as Buffer);
    const key = path.split('/').slice(2).join('/');
    const missing = () => {
      response.writeHead(404, { 'content-type': 'application/xml' });
      response.end(request.method === 'HEAD' ? undefined : '<Error><Code>NoSuchKey</Code><Message>No such key</Message></Error>');
    };
    if (request.method === 'PUT' && copySource) {
      const source = decodeURIComponent(copySource).replace(/^\//, '').split('/').slice(1).join('/');
      if (!objects.has(source)) return missing();
      objects.set(key, objects.get(source)!);
      modified.set(key, new Date());
      response.writeHead(200, { 'content-type': 'application/xml' });
      return response.end('<CopyObjectResult><ETag>"e"</ETag><LastModified>2026-12-07T10:00:00.000Z</LastModified></CopyObjectResult>');
    }
    if (request.method === 'PUT') {
      objects.set(key, Buffer.concat(pieces));
      modified.set(key, new Date());
      response.writeHead(200, { etag: '"e"' });
      return response.end();
    }
    if (request.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
      // ListObjectsV2, two keys a page so that paging is exercised.
      // The token is the last key given, as S3's continues after a key: deleting while paging skips nothing.
      const after = url.searchParams.get('continuation-token') ?? '';
      const keys = [...objects.keys()].sort().filter((k) => k > after);
      const page = keys.slice(0, 2);
      const more = keys.length > 2;
      const contents = page.map((k) => `<Contents><Key>${k}</Key><LastModified>${modified.get(k)!.toISOString()}</LastModified><Size>${objects.get(k)!.length}</Size></Contents>`).join('');
      response.writeHead(200, { 'content-type': 'application/xml' });
      return response.end(`<ListBucketResult><Name>b</Name><KeyCount>${page.length}</KeyCount><IsTruncated>${more}</IsTruncated>${more ? `<NextContinuationToken>${page[1]}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`);
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers.range ?? ''));
    if (request.method === 'GET' && range) {
      const object = objects.get(key);
      if (!object) return missing();
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), object.length - 1)];
      response.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${object.length}`, 'content-type': 'application/octet-stream', etag: '"e"' });
      return response.end(object.subarray(start, end + 1));
    }
    if (request.method === 'HEAD' || request.method === 'GET') {
      const object = objects.get(key);
      if (!object) return missing();
      response.writeHead(200, { 'content-length': object.length, 'content-type': 'application/octet-stream', etag: '"e"' });
      return response.end(request.method === 'GET' ? object : undefined);
    }
    if (request.method === 'DELETE') {
      objects.delete(key);
      modified.delete(key);
      response.writeHead(204);
      return response.end();
    }
    response.writeHead(400);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    modified,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('S3FileStore (against a fake S3 over HTTP: no S3-compatible server installs here)', () => {
  let s3: Awaited<ReturnType<typeof fakeS3>>;
  let store: S3FileStore;
  beforeAll(async () => {
    s3 = await fakeS3();
    const client = new S3Client(s3ClientConfig({ endpoint: s3.endpoint, region: 'eu-north-1', bucket: 'verso-files', accessKeyId: 'test', secretAccessKey: 'test-secret', forcePathStyle: true }));
    store = new S3FileStore(client, 'verso-files');
  });
  afterAll(() => s3?.close());
  beforeEach(() => (s3.requests.length = 0));

  it('uploads to a temporary object, copies it to its hash and removes the temporary one', async () => {
    const bytes = randomBytes(200_000);
    const put = await store.put(streamOf(bytes));
    expect(put).toEqual({ sha256: sha256(bytes), size: bytes.length });
    expect([...s3.objects.keys()]).toEqual([put.sha256]);
    const temporary = /^PUT \/verso-files\/(uploads\/[0-9a-f-]{36})$/.exec(s3.requests[0])?.[1];
    expect(temporary).toBeDefined();
    expect(s3.requests).toEqual([`PUT /verso-files/${temporary}`, `HEAD /verso-files/${put.sha256}`, `PUT /verso-files/${put.sha256} copy verso-files/${temporary}`, `DELETE /verso-files/${temporary}`]);
    expect((await readAll((await store.get(put.sha256))!)).equals(bytes)).toBe(true);
  });

  it('does not copy content it already has', async () => {
    const bytes = randomBytes(1000);
    await store.put(streamOf(bytes));
    s3.requests.length = 0;
    await store.put(streamOf(bytes));
    expect(s3.requests.map((line) => line.split(' ')[0])).toEqual(['PUT', 'HEAD', 'DELETE']);
  });

  it('answers has, get and delete by the hash', async () => {
    const put = await store.put(streamOf(randomBytes(500)));
    expect(await store.has(put.sha256)).toBe(true);
    await store.delete(put.sha256);
    expect(await store.has(put.sha256)).toBe(false);
    expect(await store.get(put.sha256)).toBeNull();
    expect(await store.has('not-a-hash')).toBe(false);
  });

  it('leaves no object when the content fails', async () => {
    const before = s3.objects.size;
    await expect(store.put(streamOf(randomBytes(CHUNK_BYTES), 100_000))).rejects.toThrow('the client went away');
    expect(s3.objects.size).toBe(before);
  });

  describe('removing orphans (FilesService.removeOrphans, the file-orphans job)', () => {
    const DAY = 24 * 60 * 60 * 1000;
    let files: FilesService;
    let db: DataSource;
    beforeAll(() => {
      db = t.app.get(DataSource);
      files = new FilesService(db, store, t.app.get(CONFIG), t.app.get(LOGGER), t.app.get(FileAccessRules));
    });

    const putAged = async (ageMs: number) => {
      const put = await store.put(streamOf(randomBytes(300)));
      s3.modified.set(put.sha256, new Date(Date.now() - ageMs));
      return put;
    };

    it('removes content older than a day that no file_blob row names, and leftovers of cut-off puts; keeps the rest', async () => {
      for (const key of [...s3.objects.keys()]) await store.delete(key);
      const orphan = await putAged(2 * DAY);
      const anotherOrphan = await putAged(DAY + 60_000);
      const named = await putAged(3 * DAY);
      await db.query(`INSERT INTO file_blob (sha256, size, mime_type) VALUES ($1, $2, 'application/pdf')`, [named.sha256, named.size]);
      const fresh = await putAged(60 * 60 * 1000);
      s3.objects.set('uploads/0b7e2f4c-0000-4000-8000-000000000001', Buffer.from('cut off'));
      s3.modified.set('uploads/0b7e2f4c-0000-4000-8000-000000000001', new Date(Date.now() - 2 * DAY));
      s3.objects.set('uploads/0b7e2f4c-0000-4000-8000-000000000002', Buffer.from('still uploading'));
      s3.modified.set('uploads/0b7e2f4c-0000-4000-8000-000000000002', new Date());

      expect(await files.removeOrphans(new Date())).toBe(3);
      expect([...s3.objects.keys()].sort()).toEqual([named.sha256, fresh.sha256, 'uploads/0b7e2f4c-0000-4000-8000-000000000002'].sort());
      expect(s3.objects.has(orphan.sha256) || s3.objects.has(anotherOrphan.sha256)).toBe(false);
      // A day later the fresh one is an orphan too; the named one never is.
      expect(await files.removeOrphans(new Date(Date.now() + 2 * DAY))).toBe(2);
      expect([...s3.objects.keys()]).toEqual([named.sha256]);
    });

    it('finds nothing to remove in the PostgreSQL store, whose puts commit with their rows', async () => {
      const pgFiles = new FilesService(db, new PostgresFileStore(db), t.app.get(CONFIG), t.app.get(LOGGER), t.app.get(FileAccessRules));
      await new PostgresFileStore(db).put(streamOf(randomBytes(100)));
      expect(await pgFiles.removeOrphans(new Date(Date.now() + 10 * DAY))).toBe(0);
    });
  });
});

let contractS3: Awaited<ReturnType<typeof fakeS3>> | undefined;
afterAll(() => contractS3?.close());

contract('S3FileStore, the same contract against fakeS3', async () => {
  const s3 = (contractS3 = await fakeS3());
  const client = new S3Client(s3ClientConfig({ endpoint: s3.endpoint, region: 'eu-north-1', bucket: 'contract', accessKeyId: 'test', secretAccessKey: 'test-secret', forcePathStyle: true }));
  return { store: new S3FileStore(client, 'contract'), leftovers: async () => s3.objects.size };
});
