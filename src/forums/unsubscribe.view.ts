// What the one-click unsubscribe pages say: the thread's or channel's mail it turns off, and that it did.
import { Language, translate } from '../i18n/i18n';
import { UnsubscribeTarget } from './forum-subscriptions.service';

export function unsubscribePage(target: UnsubscribeTarget, lang: Language) {
  const thread = 'threadId' in target.target;
  return {
    title: translate(lang, 'forum.unsubscribe.title'),
    question: translate(lang, thread ? 'forum.unsubscribe.thread.question' : 'forum.unsubscribe.channel.question', { name: target.name }),
    done: translate(lang, thread ? 'forum.unsubscribe.thread.done' : 'forum.unsubscribe.channel.done', { name: target.name }),
  };
}
