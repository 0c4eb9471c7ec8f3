import { Injectable } from '@nestjs/common';

// Placeholder: filled in by its part of the accounts issue.
@Injectable()
export class ApiTokensService {}
