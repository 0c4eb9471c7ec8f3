// Admin pages for programmes (helper A fills this in).
import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Requires } from '../access/access.decorator';
import { Capability } from '../access/capabilities';

@ApiExcludeController()
@Requires(Capability.ProgrammeManage)
@Controller('admin/programmes')
export class AdminProgrammesController {}
