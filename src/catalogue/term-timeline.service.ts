// The term view's data (helper A fills this in).
import { Injectable } from '@nestjs/common';

@Injectable()
export class TermTimelineService {}
