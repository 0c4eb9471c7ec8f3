// The unread count in the header: for signed-in web pages only (GET, not the API), after the
// AccessGuard has said who is asking. The session store reads it with the session (the view
// unread_notification_count); a session begun in this very request is asked for it.
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { isApiRequest } from '../access/authentication.service';
import { MyNotificationsService, UNREAD_COUNT_CAP } from './my-notifications.service';

@Injectable()
export class UnreadCountInterceptor implements NestInterceptor {
  constructor(private readonly notifications: MyNotificationsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const user = (reply.locals as { currentUser?: { id: string } | null } | undefined)?.currentUser;
    if (request.method !== 'GET' || isApiRequest(request) || !user) return next.handle();
    const known = request.session?.unreadNotifications;
    if (known !== undefined) {
      showCount(reply, known);
      return next.handle();
    }
    return from(this.notifications.unreadCount(user.id)).pipe(
      switchMap((count) => {
        showCount(reply, count);
        return next.handle();
      }),
    );
  }
}

function showCount(reply: FastifyReply, count: number): void {
  reply.locals = {
    ...reply.locals,
    unreadNotifications: count > 0 ? { count, shown: count > UNREAD_COUNT_CAP ? `${UNREAD_COUNT_CAP}+` : String(count) } : null,
  };
}
