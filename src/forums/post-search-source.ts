// Forum posts as a kind of search result (search/search-sources.ts): the posts the reader may see
// that match, from ForumSearchService, each linked to itself on the page of its thread it is on;
// and the re-index of posts' vectors (npm run search:reindex), their words learned first.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FoundPage, rebuildBatch, SearchFilter, SearchRequest, SearchSource } from '../search/search-sources';
import { SearchVocabulary } from '../search/search-vocabulary.service';
import { authorName } from './author-name';
import { ForumSearchService } from './forum-search.service';
import { threadHref } from './forums.view';

@Injectable()
export class PostSearchSource implements SearchSource {
  readonly kind = 'post' as const;
  readonly filters: readonly SearchFilter[] = ['channelId', 'programmeId', 'authorId', 'from', 'to'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly posts: ForumSearchService,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  async search(request: SearchRequest): Promise<FoundPage> {
    // The forums are for people signed in: a guest finds no posts.
    if (!request.actor) return { items: [], nextCursor: null };
    const { kind: _kind, ...filters } = request.filters;
    const page = await this.posts.search(request.actor, request.typed, request.lang, request.cursor, request.limit, filters, request.analysed);
    return {
      items: page.items.map((hit) => ({
        kind: this.kind,
        id: hit.postId,
        title: hit.threadTitle,
        url: threadHref(hit.threadId, { cursor: hit.pageCursor, anchor: `post-${hit.postId}` }),
        snippetHtml: hit.snippetHtml,
        context: hit.channelName,
        authorName: authorName(hit.authorName, request.lang),
        date: hit.createdAt,
        rank: hit.rank,
      })),
      nextCursor: page.nextCursor,
    };
  }

  async reindexBatch(after: string | null, size: number): Promise<string | null> {
    const posts: { id: string; body: string; title: string }[] = await this.dataSource.query(
      `SELECT p.id, p.body, t.title FROM forum_post p JOIN forum_thread t ON t.id = p.thread_id
       WHERE $1::uuid IS NULL OR p.id > $1 ORDER BY p.id LIMIT $2`,
      [after, size],
    );
    return rebuildBatch(this.vocabulary, posts, (post) => [post.title, post.body], (ids) =>
      this.dataSource.query(`UPDATE forum_post p SET search = forum_post_vector(p) WHERE p.id = ANY($1::uuid[])`, [ids]),
    );
  }
}
