// The FileStore for larger sites (FILE_STORE=s3): each blob is one object named by its SHA-256 in
// an S3-compatible bucket. An upload streams to a temporary object (a multipart upload, so nothing
// is held whole), hashing as it goes; then it is copied to its hash unless that object is already
// there, and the temporary one is removed. S3 cannot join the database's transaction: an upload
// whose database rows roll back (or a crash before the commit) leaves an object nobody names,
// harmless (content-addressed) and cleared by FilesService.removeOrphans, the daily file-orphans job.
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore, PutResult, SHA256_HEX, StoreRead } from './file-store';

export interface S3Settings {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export function s3ClientConfig(settings: S3Settings): S3ClientConfig {
  return {
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    // Checksums only where S3 requires them: several S3-compatible servers refuse the SDK's newer default ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
  };
}

export function createS3FileStore(settings: S3Settings): S3FileStore {
  return new S3FileStore(new S3Client(s3ClientConfig(settings)), settings.bucket);
}

const notFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

const TEMPORARY_PREFIX = 'uploads/';

export class S3FileStore implements FileStore {
  readonly joinsTransactions = false;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(content: Readable): Promise<PutResult> {
    const temporaryKey = `${TEMPORARY_PREFIX}${randomUUID()}`;
    const hash = createHash('sha256');
    let size = 0;
    const body = new PassThrough();
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: temporaryKey, Body: body }, partSize: 5 * 1024 * 1024, queueSize: 2 });
    const counting = (async function* (source: Readable) {
      for await (const piece of source) {
        const buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as string);
        hash.update(buffer);
        size += buffer.length;
        yield buffer;
      }
    })(content);
    try {
      await Promise.all([pipeline(counting, body), upload.done()]);
    } catch (error) {
      await upload.abort().catch(() => undefined);
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: temporaryKey })).catch(() => undefined);
      throw error;
    }
    const sha256 = hash.digest('hex');
    try {
      if (!(await this.has(sha256))) {
        await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: sha256, CopySource: `${this.bucket}/${temporaryKey}` }));
      }
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: temporaryKey })).catch(() => undefined);
    }
    return { sha256, size };
  }

  async get(sha256: string, read: StoreRead = {}): Promise<Readable | null> {
    if (!SHA256_HEX.test(sha256)) return null;
    const range = read.range ? `bytes=${read.range.start}-${read.range.end}` : undefined;
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: sha256, Range: range }));
      return answer.Body as Readable;
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256_HEX.test(sha256)) return false;
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: sha256 }));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }

  async delete(sha256: string): Promise<void> {
    if (!SHA256_HEX.test(sha256)) return;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: sha256 }));
  }

  async *writtenBefore(before: Date): AsyncGenerator<string[]> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      const keys = (page.Contents ?? [])
        .filter((object) => object.Key && object.LastModified && object.LastModified < before)
        .map((object) => object.Key!)
        // Only what the store writes: a hash, or a put's temporary object.
        .filter((key) => SHA256_HEX.test(key) || key.startsWith(TEMPORARY_PREFIX));
      if (keys.length > 0) yield keys;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async removeLeftover(key: string): Promise<void> {
    if (!key.startsWith(TEMPORARY_PREFIX)) throw new Error(`${key} is not a leftover of a put`);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
