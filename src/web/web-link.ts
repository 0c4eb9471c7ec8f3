// The one rule for a link a person types into a form (a material's link, a toolkit entry's link):
// a web address people can open, so never `javascript:`, `data:` or a file path, and within what
// the tables' checks allow (material_version_url_web, toolkit_link_url_web).

/** The longest web address a link field keeps. */
export const WEB_LINK_MAX = 2000;

/** Why `value` is not a web address people can open (http or https, a host, no spaces or control characters, at most WEB_LINK_MAX), or null when it is one. */
export function webLinkProblem(value: string): 'tooLong' | 'notWeb' | null {
  if (value.length > WEB_LINK_MAX) return 'tooLong';
  if (/[\s\u0000-\u001f\u007f]/.test(value) || !/^https?:\/\//i.test(value)) return 'notWeb';
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? null : 'notWeb';
  } catch {
    return 'notWeb';
  }
}
