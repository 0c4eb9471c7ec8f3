// "Are you sure?" without JavaScript, for the web forms whose change cannot be undone by the person
// who made it (deleting a post, cancelling one's place, cancelling a round, removing a participant).
// The button posts its form as before; unless the form carries confirm=yes, the answer is a page
// saying what will happen, with a "Yes" button that posts the same fields again with confirm=yes
// and a "No, go back" link. The form is validated first, so a refused form is refused as before
// and nothing is ever changed unconfirmed. The /api/v1 twins take no confirmation.
import type { FastifyReply } from 'fastify';

/** A posted form without its confirmation: `fields` go to the form's DTO, `confirmed` says whether to act. */
export function confirmedForm(body: unknown): { confirmed: boolean; fields: Record<string, unknown> } {
  const { confirm, ...fields } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return { confirmed: confirm === 'yes', fields };
}

export interface Confirmation {
  /** The question, as the page's heading: "Poistetaanko viesti?" */
  question: string;
  /** What happens, naming the thing: "Viesti poistetaan ketjusta …". */
  consequence: string;
  /** The "Yes" button: "Kyllä, poista". */
  yes: string;
  /** Where the form posts (the form's own action). */
  action: string;
  /** Where "No, go back" leads: the page the button was on. */
  backHref: string;
  /** The form's fields as sent, posted again with the confirmation. */
  fields: Record<string, unknown>;
}

/** The confirmation page for a form posted without confirm=yes; it changes nothing. */
export function confirmationPage(reply: FastifyReply, confirmation: Confirmation) {
  const fields = Object.entries(confirmation.fields)
    .filter(([name, value]) => name !== '_csrf' && typeof value === 'string')
    .map(([name, value]) => ({ name, value }));
  return reply.status(200).view('web/confirm', { title: confirmation.question, confirmation: { ...confirmation, fields } });
}
