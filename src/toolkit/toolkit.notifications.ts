// The toolkit's one notification kind: the submitter of a case is told the admin's decision (taken
// into the library, or declined with the admin's note), in their own language, through the outbox.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Language, translate } from '../i18n/i18n';
import { NotificationKinds } from '../notifications/notification-kinds';

export const TOOLKIT_CASE_DECIDED = 'toolkit.case-decided';

/** `title` in the submitter's language; `note` the admin's reason when declined. */
export type ToolkitCaseDecidedMail = {
  entryId: string;
  title: string;
  approved: boolean;
  note: string | null;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    [TOOLKIT_CASE_DECIDED]: ToolkitCaseDecidedMail;
  }
}

@Injectable()
export class ToolkitNotifications implements OnModuleInit {
  constructor(private readonly kinds: NotificationKinds) {}

  onModuleInit() {
    this.kinds.register({
      name: TOOLKIT_CASE_DECIDED,
      template: 'toolkit-case-decided',
      secretLinks: [],
      subject: (payload: ToolkitCaseDecidedMail, lang: Language) =>
        translate(lang, payload.approved ? 'mail.toolkit.caseDecided.subject.approved' : 'mail.toolkit.caseDecided.subject.declined', { title: payload.title }),
      aboutPath: (payload) => (typeof payload.entryId === 'string' ? `/toolkit/${payload.entryId}` : null),
    });
  }
}
