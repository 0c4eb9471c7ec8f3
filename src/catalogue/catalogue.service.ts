// Owns the catalogue: programmes now; cohorts and sessions come with the scheduling issue.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Language, localized, LocalizedText } from '../i18n/i18n';
import { Programme } from './programme.entity';

export interface ProgrammeSummary {
  id: string;
  slug: string;
  title: string;
  summary: string;
}

export interface ProgrammeDetail extends ProgrammeSummary {
  description: string;
  updatedAt: Date;
}

export interface NewProgramme {
  slug: string;
  title: LocalizedText;
  summary: LocalizedText;
  description: LocalizedText;
  position: number;
}

@Injectable()
export class CatalogueService {
  constructor(@InjectRepository(Programme) private readonly programmes: Repository<Programme>) {}

  async listProgrammes(lang: Language): Promise<ProgrammeSummary[]> {
    const rows = await this.programmes.find({
      select: { id: true, slug: true, title: true, summary: true },
      order: { position: 'ASC', slug: 'ASC' },
    });
    return rows.map((row) => this.summaryOf(row, lang));
  }

  async findProgramme(slug: string, lang: Language): Promise<ProgrammeDetail | null> {
    const row = await this.programmes.findOne({ where: { slug } });
    if (!row) return null;
    return { ...this.summaryOf(row, lang), description: localized(row.description, lang), updatedAt: row.updatedAt };
  }

  async countProgrammes(): Promise<number> {
    return this.programmes.count();
  }

  /** Adds programmes whose slug is not taken yet; returns how many were added. */
  async addProgrammes(programmes: NewProgramme[]): Promise<number> {
    if (programmes.length === 0) return 0;
    const result = await this.programmes.createQueryBuilder().insert().values(programmes).orIgnore().execute();
    return (result.raw as unknown[]).length;
  }

  private summaryOf(row: Pick<Programme, 'id' | 'slug' | 'title' | 'summary'>, lang: Language): ProgrammeSummary {
    return { id: row.id, slug: row.slug, title: localized(row.title, lang), summary: localized(row.summary, lang) };
  }
}
