import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Language, LOCALES } from '../i18n/i18n';
import { Agency } from './agency.entity';

const collators = new Map<Language, Intl.Collator>();

/** Collators are costly to make and the home page sorts on every request: one per language. */
function collatorFor(lang: Language): Intl.Collator {
  let collator = collators.get(lang);
  if (!collator) {
    collator = new Intl.Collator(LOCALES[lang]);
    collators.set(lang, collator);
  }
  return collator;
}

export interface AgencyView {
  id: string;
  name: string;
}

@Injectable()
export class AgencyService {
  constructor(@InjectRepository(Agency) private readonly agencies: Repository<Agency>) {}

  /** All agencies, sorted as the reader's language sorts (Ä and Ö after Z in Finnish and Swedish). */
  async list(lang: Language): Promise<AgencyView[]> {
    const rows = await this.agencies.find({ select: { id: true, name: true } });
    const collator = collatorFor(lang);
    return rows.map(({ id, name }) => ({ id, name })).sort((a, b) => collator.compare(a.name, b.name));
  }

  /** Adds the agencies that do not exist yet (by name); returns how many were added. */
  async ensure(names: string[]): Promise<number> {
    if (names.length === 0) return 0;
    const result = await this.agencies
      .createQueryBuilder()
      .insert()
      .values(names.map((name) => ({ name })))
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length;
  }
}
