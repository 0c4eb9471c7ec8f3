// Sections an upper area adds to a lower area's page: the catalogue's programme page and
// enrolment's round and session pages show the materials of materials/, which sits above them and
// so cannot be imported by them. The upper area registers a section source for a page kind at start
// (onModuleInit); the page asks for its sections and renders each with its partial
// (`{{#each sections}}{{> (lookup this 'partial') this.data}}{{/each}}`).
import { Injectable } from '@nestjs/common';
import type { Actor } from '../access/capabilities';
import type { Language } from '../i18n/i18n';

export type PageKind = 'programme' | 'cohort' | 'session';

/** A partial under views/partials and its view model. */
export interface PageSection {
  partial: string;
  data: unknown;
}

/** What one area shows on a page of `kind` about `ownerId` (the programme, round or session), for this reader; null: nothing. */
export type PageSectionSource = (viewer: Actor | null, ownerId: string, lang: Language) => Promise<PageSection | null>;

@Injectable()
export class PageSections {
  private readonly sources = new Map<PageKind, PageSectionSource[]>();

  register(kind: PageKind, source: PageSectionSource): void {
    this.sources.set(kind, [...(this.sources.get(kind) ?? []), source]);
  }

  /** The page's sections in the order the areas registered them. */
  async of(kind: PageKind, viewer: Actor | null, ownerId: string, lang: Language): Promise<PageSection[]> {
    const sections = await Promise.all((this.sources.get(kind) ?? []).map((source) => source(viewer, ownerId, lang)));
    return sections.filter((section): section is PageSection => section !== null);
  }
}
