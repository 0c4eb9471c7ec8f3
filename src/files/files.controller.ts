// Files over the web: /files, the person's own uploads with a form to add one (the end-to-end path
// the materials, attachments and toolkit forms follow); POST /files, one file from a multipart form
// (works without JavaScript); /files/:id and /files/:id/thumbnail, the bytes streamed from the store
// with headers that keep a file from acting as a page of this site (nosniff, a sandboxing CSP, a
// download unless it is an image or a PDF). Guests a file is refused to are sent to sign in.
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
import { FileDownload, FilesService } from './files.service';
import { downloadHeaders, uploadsPage } from './files.view';

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
      // The person went away mid-upload (closed the tab, lost the network): nothing is stored and nobody is there to answer.
      if (request.raw.destroyed && !request.raw.complete) {
        request.log.info({ reqId: request.id }, 'an upload was cut off by the client');
        return reply.code(400).send();
      }
      throw error;
    }
    return reply.redirect('/files', 303);
  }

  @Get(':id')
  @Public()
  async file(@Viewer() viewer: Actor | null, @Param('id') id: string, @Res() reply: FastifyReply) {
    return send(reply, await this.readable(viewer, id, 'file'));
  }

  @Get(':id/thumbnail')
  @Public()
  async thumbnail(@Viewer() viewer: Actor | null, @Param('id') id: string, @Res() reply: FastifyReply) {
    return send(reply, await this.readable(viewer, id, 'thumbnail'));
  }

  private async readable(viewer: Actor | null, id: string, which: 'file' | 'thumbnail'): Promise<FileDownload> {
    try {
      return await this.files.download(viewer, id, which);
    } catch (error) {
      if (error instanceof NotAllowed && !viewer) throw new SignInRequired();
      throw error;
    }
  }
}

function send(reply: FastifyReply, download: FileDownload) {
  return reply.headers(downloadHeaders(download)).send(download.content);
}
