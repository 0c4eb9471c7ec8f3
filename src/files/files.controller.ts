// Files over the web: /files, the person's own uploads with a form to add one (the end-to-end path
// the materials, attachments and toolkit forms follow); POST /files, one file from a multipart form
// (works without JavaScript); /files/:id and /files/:id/thumbnail, the bytes streamed from the store
// with headers that keep a file from acting as a page of this site (nosniff, a sandboxing CSP, a
// download unless it is an image or a PDF), one byte range of them when asked (byte-ranges.ts), 304
// when the browser has them already. Guests a file is refused to are sent to sign in.
import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, SignedIn } from '../access/access.decorator';
import { SignInRequired } from '../access/access.guard';
import { Actor } from '../access/capabilities';
import { CurrentActor, Viewer } from '../access/current-actor';
import { FieldErrors, NotAllowed } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { Lang } from '../web/language';
import { ifRangeHolds, noneMatchHits, requestedRange } from './byte-ranges';
import { DownloadableFile, FilesService } from './files.service';
import { downloadHeaders, uploadsPage } from './files.view';
import { answeredCutOff } from '../web/multipart';

@ApiExcludeController()
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Get()
  @SignedIn()
  async page(@CurrentActor() actor: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('files/uploads', uploadsPage(lang, await this.files.uploadedBy(actor), this.files.maxMegabytes));
  }

  @Post()
  @SignedIn()
  async upload(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const upload = request.uploads ? (await request.uploads().next()).value : undefined;
    if (!upload) throw new FieldErrors({ file: 'files.missing' });
    try {
      await this.files.upload(actor, upload.file, upload.filename, upload.mimetype);
    } catch (error) {
      if (answeredCutOff(request, reply, 'an upload')) return reply;
      throw error;
    }
    return reply.redirect('/files', 303);
  }

  @Get(':id')
  @Public()
  async file(@Viewer() viewer: Actor | null, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.send(request, reply, await this.readable(viewer, id, 'file'));
  }

  @Get(':id/thumbnail')
  @Public()
  async thumbnail(@Viewer() viewer: Actor | null, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.send(request, reply, await this.readable(viewer, id, 'thumbnail'));
  }

  private async readable(viewer: Actor | null, id: string, which: 'file' | 'thumbnail'): Promise<DownloadableFile> {
    try {
      return await this.files.downloadable(viewer, id, which);
    } catch (error) {
      if (error instanceof NotAllowed && !viewer) throw new SignInRequired();
      throw error;
    }
  }

  /** The whole file, one range of it (206; 416 when it lies outside), or 304 when the browser's copy is this content. */
  private async send(request: FastifyRequest, reply: FastifyReply, file: DownloadableFile) {
    const headers = downloadHeaders(file);
    if (noneMatchHits(request.headers['if-none-match'], headers.etag)) {
      return reply.code(304).headers({ etag: headers.etag, 'cache-control': headers['cache-control'] }).send();
    }
    const range = ifRangeHolds(single(request.headers['if-range']), headers.etag) ? requestedRange(request.headers.range, file.size) : 'whole';
    if (range === 'unsatisfiable') {
      return reply.code(416).headers({ 'content-range': `bytes */${file.size}`, 'accept-ranges': 'bytes' }).send();
    }
    if (range === 'whole') return reply.headers(headers).send(await this.files.contentOf(file));
    return reply
      .code(206)
      .headers({ ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${file.size}` })
      .send(await this.files.contentOf(file, range));
  }
}

/** A header that may repeat, as one value: a repeated If-Range or Range is not one to honour. */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
