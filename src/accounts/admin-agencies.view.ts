// What the admin page for agencies shows (admin-agencies.controller.ts): the list with how many
// people each has, and its forms, a refused one with its input kept and the message next to it.
import { Language, translate } from '../i18n/i18n';
import { AgencyWithUsers } from '../identity/agency.service';
import { readableDomains } from '../identity/email-domains';
import { FieldMessages, fieldText } from '../web/forms';

export const AGENCY_NOTICES = ['added', 'renamed', 'merged', 'domains'] as const;

/** The form that was refused: which one (and for which agency), what was typed, and why (translated). */
export type RefusedAgencyForm = { form: 'add' | 'rename' | 'merge' | 'domains'; agencyId?: string; body: unknown; errors: FieldMessages };

/** `merging`: the agency whose merge form is open. */
export function agenciesPage(agencies: AgencyWithUsers[], lang: Language, state: { notice?: string | null; refused?: RefusedAgencyForm; merging?: unknown }) {
  const { refused } = state;
  const errors = refused ? refused.errors : null;
  const mine = (form: RefusedAgencyForm['form'], agencyId?: string) => refused?.form === form && refused.agencyId === agencyId;
  // A message for a field no form has (an unknown one) goes in the summary at the top.
  const known = refused?.form === 'merge' ? ['into'] : refused?.form === 'domains' ? ['domains'] : ['name'];
  const merging = agencies.find((agency) => agency.id === state.merging);
  const into = refused?.form === 'merge' ? fieldText(refused.body, 'into') : '';
  return {
    title: translate(lang, 'admin.agencies.title'),
    notice: state.notice ?? null,
    errors,
    otherErrors: errors ? Object.entries(errors).filter(([field]) => !known.includes(field)).map(([field, message]) => ({ field, message })) : [],
    addForm: { name: mine('add') ? fieldText(refused!.body, 'name') : '', error: mine('add') ? errors?.name : null },
    mergeForm: merging
      ? {
          agency: merging,
          error: refused?.form === 'merge' ? errors?.into : null,
          targets: agencies.filter((other) => other.id !== merging.id).map((other) => ({ id: other.id, name: other.name, selected: other.id === into })),
        }
      : null,
    agencies: agencies.map((agency) => {
      const renaming = mine('rename', agency.id);
      const domainsRefused = mine('domains', agency.id);
      return {
        ...agency,
        renameFieldId: `agency-rename-${agency.id}`,
        renameValue: renaming ? fieldText(refused!.body, 'name') : agency.name,
        renameError: renaming ? errors?.name : null,
        domainsFieldId: `agency-domains-${agency.id}`,
        // An internationalised domain in its own letters; a refused list as it was typed. On one line:
        // the partial's indentation would reach into a text area's later lines.
        domainsValue: domainsRefused ? fieldText(refused!.body, 'domains') : readableDomains(agency.emailDomains).join(', '),
        domainsError: domainsRefused ? errors?.domains : null,
      };
    }),
  };
}
