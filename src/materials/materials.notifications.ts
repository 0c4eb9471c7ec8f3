// The notification kind of materials: a facilitator added material to a session and ticked "tell
// the round's participants". One mail per participant and material (its outbox key), in each
// person's language, linking to the session's page; not sent once the material is gone.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { formatDate } from '../i18n/dates';
import { Language, translate } from '../i18n/i18n';
import { NotificationKinds } from '../notifications/notification-kinds';

export const MATERIAL_ADDED = 'material.added';

/** A session's new material, for one participant: texts in their language, `sessionStartsAt` ISO text. */
export type MaterialAddedMail = {
  materialId: string;
  sessionId: string;
  cohortId: string;
  cohortName: string;
  programmeTitle: string;
  title: string;
  sessionStartsAt: string;
  addedBy: string;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    [MATERIAL_ADDED]: MaterialAddedMail;
  }
}

@Injectable()
export class MaterialsNotifications implements OnModuleInit {
  constructor(
    private readonly kinds: NotificationKinds,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: MATERIAL_ADDED,
      template: 'material-added',
      secretLinks: [],
      subject: (payload: MaterialAddedMail, lang: Language) =>
        translate(lang, 'mail.material.added.subject', { title: payload.title, date: formatDate(new Date(payload.sessionStartsAt), lang, 'date') }),
      stillValid: async (payload) => (await this.dataSource.query(`SELECT 1 FROM material WHERE id = $1`, [payload.materialId])).length > 0,
      aboutPath: (payload) => (typeof payload.cohortId === 'string' && typeof payload.sessionId === 'string' ? `/cohorts/${payload.cohortId}/sessions/${payload.sessionId}` : null),
    });
  }
}
