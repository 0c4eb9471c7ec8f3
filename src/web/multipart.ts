// Multipart forms (file uploads) through the same door as every other form: the fields before the
// first file are read into `request.body`, so the CSRF check and the input guard see them as they
// see a urlencoded form (our forms put `_csrf` and their text fields first), and the files are left
// unread for the handler to stream (`request.uploads()`), never buffered here. A request whose body
// was not read to its end (refused, or a file past the limit) closes its connection after the
// answer, so what is left of it is never parsed as the next request.
import fastifyMultipart, { MultipartFile } from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FieldErrors, withValues } from '../errors/domain-errors';

/** Files one request may carry (a post's attachments are the most). */
export const MAX_FILES_PER_REQUEST = 5;

declare module 'fastify' {
  interface FastifyRequest {
    /** The files of a multipart form, in order, each to be read to its end before the next. */
    uploads?: () => AsyncGenerator<MultipartFile>;
  }
}

async function readFieldsBeforeFiles(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const parts = request.parts()[Symbol.asyncIterator]();
  const fields: Record<string, string> = Object.create(null);
  let first: MultipartFile | undefined;
  for (;;) {
    const next = await parts.next();
    if (next.done) break;
    if (next.value.type === 'file') {
      first = next.value;
      break;
    }
    const name = next.value.fieldname;
    if (Object.prototype.hasOwnProperty.call(fields, name)) throw Object.assign(new FieldErrors({ [name]: withValues('input.duplicate', { field: name }) }), { statusCode: 400 });
    fields[name] = String(next.value.value ?? '');
  }
  request.body = fields;
  // A client that goes away mid-file: the file stream ends in an error, so the upload fails (and rolls back) instead of waiting.
  request.raw.once('close', () => {
    if (!request.raw.complete) first?.file.destroy(new Error('the upload was cut off'));
  });
  request.uploads = async function* () {
    if (first) yield first;
    for (;;) {
      const next = await parts.next();
      if (next.done) return;
      if (next.value.type === 'file') yield next.value;
    }
  };
}

async function closeWhenBodyUnread(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (request.isMultipart() && !request.raw.complete) reply.header('connection', 'close');
  return payload;
}

/** Before the input guard, whose preValidation hook then checks the fields read here. */
export async function registerMultipart(app: NestFastifyApplication, fileMaxBytes: number): Promise<void> {
  await app.register(fastifyMultipart, {
    // One byte past the limit, so the upload's own count (files.service.ts) names the limit first.
    limits: { fileSize: fileMaxBytes + 1, files: MAX_FILES_PER_REQUEST, fields: 30, fieldSize: 100_000, parts: 40, headerPairs: 100 },
    throwFileSizeLimit: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preValidation', readFieldsBeforeFiles);
  fastify.addHook('onSend', closeWhenBodyUnread);
}

/**
 * When the person went away mid-upload (closed the tab, lost the network), the upload has failed and
 * rolled back: this logs it and ends the exchange with a bare 400, as nobody is there to read a page,
 * and returns true. False when the request is still whole (the caller then handles the error).
 */
export function answeredCutOff(request: FastifyRequest, reply: FastifyReply, what: string): boolean {
  if (!request.raw.destroyed || request.raw.complete) return false;
  request.log.info({ reqId: request.id }, `${what} was cut off by the client`);
  reply.code(400).send();
  return true;
}

/**
 * The form's files, in order, all sent under its one file input `field`: a file under any other
 * name is refused as a field the form does not have. None for a form sent without files.
 */
export async function* formFiles(request: FastifyRequest, field: string): AsyncGenerator<MultipartFile> {
  if (!request.uploads) return;
  for await (const upload of request.uploads()) {
    if (upload.fieldname !== field) {
      upload.file.resume();
      throw new FieldErrors({ [upload.fieldname]: 'form.unknownField' });
    }
    yield upload;
  }
}
