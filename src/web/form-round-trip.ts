// The round trip of a web form that changes something: the one place that decides how a page
// answers a form post, so every page answers the same way.
//
//   return formRoundTrip({
//     reply, lang,
//     errors: form.errors,                 // the form's own messages (validateForm), untranslated; null when valid
//     change: async () => { await this.service.doIt(...); return `/somewhere?done=saved`; },
//     view: 'area/page',                   // the template that shows the page again
//     page: (state) => this.pageModel(...),  // its view model for { errors } or { refusal }
//     fieldsOf: formErrors,                // optional: the service's field names as the form's inputs
//   });
//
// - The form has messages: the page again, 400, with them translated (`state.errors`), nothing changed.
// - Otherwise `change` runs and its answer is where to go: 303 there.
// - The service refuses as things stand (Refused): the page again, 409, with the reason translated (`state.refusal`).
// - The service refuses fields (FieldErrors): the page again, 400, with their messages translated
//   (after `fieldsOf`, when given).
// - A file past the size limit (TooLarge), on a form that names its file input (`fileField`): the page
//   again, 413, with the limit next to that input and the text kept. Any other error is thrown on.
// The page keeps the input itself: `page` reads the body it was given.
import { HttpStatus } from '@nestjs/common';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { FieldErrors, Refused, TooLarge } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';
import { FieldMessages, translateFields, translateMessage } from './forms';

/** Why the page is shown again: messages per field, or the reason the change was refused (both translated). */
export type RefusedState = { errors: FieldMessages; refusal?: undefined } | { refusal: string; errors?: undefined };

export interface FormRoundTrip {
  reply: FastifyReply;
  lang: Language;
  /** The form's own messages (untranslated i18n keys); null when the form is valid. */
  errors: FieldMessages | null;
  /** Makes the change; answers where the browser goes next (a 303). */
  change: () => Promise<string>;
  /** The template that shows the page again. */
  view: string;
  /** The page's view model for the state it is shown again in. */
  page: (state: RefusedState) => object | Promise<object>;
  /** The service's field names as the form's inputs, for FieldErrors from `change`; as they are when absent. */
  fieldsOf?: (fields: FieldMessages) => FieldMessages;
  /** A multipart form's file input, where a file past the size limit is told; without it, TooLarge is thrown on (the error page's 413). */
  fileField?: string;
}

export async function formRoundTrip({ reply, lang, errors, change, view, page, fieldsOf = (fields) => fields, fileField }: FormRoundTrip) {
  let messages = errors;
  if (!messages) {
    try {
      return reply.redirect(await change(), 303);
    } catch (error) {
      if (error instanceof Refused) {
        return reply.status(HttpStatus.CONFLICT).view(view, await page({ refusal: translateMessage(lang, error.reason) }));
      }
      if (error instanceof TooLarge && fileField) {
        return reply.status(HttpStatus.PAYLOAD_TOO_LARGE).view(view, await page({ errors: { [fileField]: translateMessage(lang, error.reason) } }));
      }
      if (!(error instanceof FieldErrors)) throw error;
      messages = fieldsOf(error.fields);
    }
  }
  return reply.status(HttpStatus.BAD_REQUEST).view(view, await page({ errors: translateFields(messages, lang) }));
}
