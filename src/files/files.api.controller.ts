// Files over the JSON API: POST /api/v1/files takes one file (multipart, field `file`) from a
// signed-in person (bearer token) and stores it as theirs, belonging to nothing yet; its id is then
// given to what it belongs to (a post's `attachments`), which decides from then on who may read it.
// The same checks as every upload (FilesService): type by content, the size limit, a name made safe.
import { Controller, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiPayloadTooLargeResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { SignedIn } from '../access/access.decorator';
import { Actor } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { FieldErrors } from '../errors/domain-errors';
import { ApiErrorDto } from '../web/api/errors.dto';
import { FilesService } from './files.service';

export class UploadedFileDto {
  @ApiProperty({ format: 'uuid', description: 'Pass it in a post’s `attachments` to attach the file.' })
  id: string;

  @ApiProperty({ example: 'seinä.jpg', description: 'The name sent, made safe: no path, no control characters, at most 200 characters.' })
  name: string;

  @ApiProperty({ example: 'image/jpeg', description: 'Read from the content, not from the name or the declared type.' })
  type: string;

  @ApiProperty({ type: 'integer', description: 'Bytes.' })
  size: number;
}

@ApiTags('files')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'No valid token.' })
@Controller('api/v1/files')
export class FilesApiController {
  constructor(private readonly files: FilesService) {}

  @Post()
  @SignedIn()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'One file.' } } } })
  @ApiCreatedResponse({ type: UploadedFileDto, description: 'Stored as yours, attached to nothing: only you and admins may read it until you attach it.' })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: 'Nothing stored: `fields.file` says why (no file sent, an empty file, a type not allowed or not matching its name or declared type, a name with nothing left).',
  })
  @ApiPayloadTooLargeResponse({ type: ApiErrorDto, description: 'Past the size limit (`files.tooLarge`, the limit named). Nothing stored.' })
  async upload(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<UploadedFileDto> {
    const upload = request.uploads ? (await request.uploads().next()).value : undefined;
    if (!upload) throw new FieldErrors({ file: 'files.missing' });
    const file = await this.files.upload(actor, upload.file, upload.filename, upload.mimetype);
    return { id: file.id, name: file.originalName, type: file.mimeType, size: file.size };
  }
}
