// Whether two email addresses reach the same mailbox, for rules a person must not meet with their own
// address in disguise (a manager approving an enrolment must be somebody else). Domains are
// case-insensitive, quotes around a plain local part change nothing (RFC 5321), and the mail systems
// agencies use (Exchange, Google…) read the local part case-insensitively and deliver name+anything@
// to name@; so all of that is folded away. Such a rule may be stricter than a mail system, never looser.

/** The address with everything that does not change where mail goes removed: a.b+x@Agency.fi → a.b@agency.fi. */
export function mailboxOf(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const local = address.slice(0, at).replace(/"/g, '');
  const tag = local.indexOf('+');
  // A trailing dot names the same domain (an absolute DNS name).
  const domain = address.slice(at + 1).replace(/\.+$/, '');
  return `${tag >= 0 ? local.slice(0, tag) : local}@${domain}`;
}

export function sameMailbox(a: string, b: string): boolean {
  return mailboxOf(a) === mailboxOf(b);
}
