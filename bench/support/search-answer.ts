// The posts in an answer of GET /api/v1/search, whichever shape it has: the one search's
// `{ query, groups: [{ kind, items, nextCursor }], didYouMean }` (issue 20), whose posts are the
// items of the `post` group, or the forums' own earlier `{ items, nextCursor }`, all posts.
export interface FoundPost {
  id: string;
  snippetHtml: string;
}

export function postsInSearchAnswer(body: string): FoundPost[] {
  let answer: { groups?: { kind: string; items: Record<string, unknown>[] }[]; items?: Record<string, unknown>[] };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return [];
  }
  const items = answer.groups ? (answer.groups.find((group) => group.kind === 'post')?.items ?? []) : (answer.items ?? []);
  return items.map((item) => ({ id: String(item.id ?? item.postId), snippetHtml: String(item.snippetHtml ?? '') }));
}
