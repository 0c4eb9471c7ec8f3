// The agency contact section of a person's admin page (accounts' admin-users.controller.ts shows it):
// the agencies the person is the register's contact for, each with a revoke button, and a form that
// grants one more (the person's own agency offered first).
import { AgencyView } from '../identity/agency.service';
import { ContactAgency } from './agency-contacts.service';

export function agencyContactSection(held: ContactAgency[], agencies: AgencyView[], ownAgencyName: string | null) {
  const heldIds = new Set(held.map((contact) => contact.agencyId));
  return {
    held: held.map((contact) => ({ agencyId: contact.agencyId, agencyName: contact.agencyName })),
    options: agencies.filter((agency) => !heldIds.has(agency.id)).map((agency) => ({ value: agency.id, label: agency.name, selected: agency.name === ownAgencyName })),
  };
}
