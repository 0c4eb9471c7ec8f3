// The email domains an agency's people register with (agency.email_domains). An admin types them
// as a list; each is stored lower case, an internationalised one as punycode (node:url
// domainToASCII), so that comparing with an address's domain is comparing strings. A domain covers
// itself only, not its subdomains: an agency that also mails from `tulli.vero.fi` lists it.
import { domainToASCII, domainToUnicode } from 'node:url';
import { withValues } from '../errors/domain-errors';

export const MAX_EMAIL_DOMAINS = 20;
/** What the admin's field may hold at all: 20 of the longest domains fit, with room for separators. */
export const EMAIL_DOMAINS_INPUT_MAX = 20 * 254;

/** A label of a domain in ASCII: letters, digits and inner hyphens, at most 63 characters. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** The top level is letters (or an internationalised one, `xn--…`). */
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** The domain in ASCII, lower case, or null when it is not one a mail address can have. */
export function asciiDomain(typed: string): string | null {
  // Only letters (any script), digits, hyphens and dots get as far as the IDN conversion, which is
  // lenient: it lets `*`, `_` and empty labels through.
  if (!/^[\p{L}\p{M}\p{N}.-]+$/u.test(typed)) return null;
  const ascii = domainToASCII(typed.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  return TOP_LEVEL.test(labels[labels.length - 1]) ? ascii : null;
}

/**
 * The domains of an admin's list (separated by commas, semicolons, spaces or new lines), or the
 * message (an i18n key with values) for the first thing wrong with it.
 */
export function parseEmailDomains(text: string): { domains: string[] } | { error: string } {
  if (text.length > EMAIL_DOMAINS_INPUT_MAX) return { error: 'agencyDomains.tooLong' };
  const domains: string[] = [];
  for (const typed of text.split(/[\s,;]+/).filter(Boolean)) {
    const ascii = asciiDomain(typed);
    // The typed text is shown back cut short: a 300-character "domain" is not worth repeating.
    if (!ascii) return { error: withValues('agencyDomains.invalid', { domain: typed.length > 60 ? `${typed.slice(0, 60)}…` : typed }) };
    if (!domains.includes(ascii)) domains.push(ascii);
  }
  if (domains.length > MAX_EMAIL_DOMAINS) return { error: withValues('agencyDomains.tooMany', { max: MAX_EMAIL_DOMAINS }) };
  return { domains };
}

/** The domains as people read them (an IDN in its own letters), for the admin's field and messages. */
export function readableDomains(domains: readonly string[]): string[] {
  return domains.map((domain) => domainToUnicode(domain) || domain);
}

/** The domain of an address, as agency.email_domains holds domains; null for something that is no address. */
export function domainOf(email: string): string | null {
  const at = email.lastIndexOf('@');
  return at < 0 ? null : asciiDomain(email.slice(at + 1).trim());
}

/** Whether an agency with these domains takes this address: any address when it lists none. */
export function addressFitsDomains(email: string, domains: readonly string[]): boolean {
  if (domains.length === 0) return true;
  const domain = domainOf(email);
  return domain !== null && domains.includes(domain);
}
