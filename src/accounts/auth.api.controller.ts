import { Controller } from '@nestjs/common';

// Placeholder: routes come with their part of the accounts issue.
@Controller()
export class AuthApiController {}
