// Agencies: the list people choose from, and the admin's upkeep of it (add, rename, merge
// duplicates). Names are unique whatever their case; the database's agency_name_unique decides.
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Language, LOCALES } from '../i18n/i18n';
import { Agency } from './agency.entity';
import { UserService } from './user.service';
import { FieldErrors, isUuid, NotFound } from '../errors/domain-errors';
import { parseEmailDomains } from './email-domains';

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

export interface AgencyWithUsers extends AgencyView {
  userCount: number;
  /** The domains its people register with, as stored (lower case, punycode); none: any address. */
  emailDomains: string[];
}


/** A name another agency already has (in any case) is refused on the field, as the unique index would. */
function nameTaken(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'agency_name_unique';
}

@Injectable()
export class AgencyService {
  constructor(
    @InjectRepository(Agency) private readonly agencies: Repository<Agency>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserService,
  ) {}

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

  /** For the admin page: every agency with how many accounts name it, in the reader's sort order. */
  async listWithUserCounts(lang: Language): Promise<AgencyWithUsers[]> {
    const rows: AgencyWithUsers[] = await this.dataSource.query(
      `SELECT a.id, a.name, a.email_domains AS "emailDomains", count(u.id)::int AS "userCount" FROM agency a LEFT JOIN app_user u ON u.agency_id = a.id GROUP BY a.id`,
    );
    const collator = collatorFor(lang);
    return rows.sort((a, b) => collator.compare(a.name, b.name));
  }

  /** Adds an agency; `name` is already trimmed and 1–200 characters (the DTO). */
  async add(actorUserId: string, name: string): Promise<AgencyView> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [agency]: AgencyView[] = await manager.query(`INSERT INTO agency (name) VALUES ($1) RETURNING id, name`, [name]);
        await this.users.audit(manager, { actorUserId, action: 'agency.added', targetType: 'agency', targetId: agency.id, details: { name } });
        return agency;
      });
    } catch (error) {
      if (nameTaken(error)) throw new FieldErrors({ name: 'admin.agency.nameTaken' });
      throw error;
    }
  }

  async rename(actorUserId: string, agencyId: string, name: string): Promise<void> {
    if (!isUuid(agencyId)) throw new NotFound();
    try {
      await this.dataSource.transaction(async (manager) => {
        const [agency]: AgencyView[] = await manager.query(`SELECT id, name FROM agency WHERE id = $1 FOR UPDATE`, [agencyId]);
        if (!agency) throw new NotFound();
        if (agency.name === name) return;
        await manager.query(`UPDATE agency SET name = $2 WHERE id = $1`, [agencyId, name]);
        await this.users.audit(manager, { actorUserId, action: 'agency.renamed', targetType: 'agency', targetId: agencyId, details: { from: agency.name, to: name } });
      });
    } catch (error) {
      if (nameTaken(error)) throw new FieldErrors({ name: 'admin.agency.nameTaken' });
      throw error;
    }
  }

  /**
   * Sets the email domains people of the agency register with, from the admin's list (see
   * email-domains.ts); an empty list lets any address in. Junk refuses the lot (FieldErrors on
   * `domains`), nothing saved. People already in the agency stay whatever their address.
   */
  async setEmailDomains(actorUserId: string, agencyId: string, typed: string): Promise<void> {
    if (!isUuid(agencyId)) throw new NotFound();
    const parsed = parseEmailDomains(typed);
    if ('error' in parsed) throw new FieldErrors({ domains: parsed.error });
    const { domains } = parsed;
    await this.dataSource.transaction(async (manager) => {
      const [agency]: { email_domains: string[] }[] = await manager.query(`SELECT email_domains FROM agency WHERE id = $1 FOR UPDATE`, [agencyId]);
      if (!agency) throw new NotFound();
      if (agency.email_domains.join(' ') === domains.join(' ')) return;
      await manager.query(`UPDATE agency SET email_domains = $2 WHERE id = $1`, [agencyId, domains]);
      await this.users.audit(manager, { actorUserId, action: 'agency.email-domains', targetType: 'agency', targetId: agencyId, details: { from: agency.email_domains, to: domains } });
    });
  }

  /** The email domains of an agency (none: any address); [] for an agency that does not exist. */
  async emailDomains(agencyId: string): Promise<string[]> {
    if (!isUuid(agencyId)) return [];
    const [agency]: { email_domains: string[] }[] = await this.dataSource.query(`SELECT email_domains FROM agency WHERE id = $1`, [agencyId]);
    return agency?.email_domains ?? [];
  }

  /** Folds a duplicate agency into another: its people move over and it is gone. Returns how many moved. */
  async merge(actorUserId: string, agencyId: string, intoId: string): Promise<number> {
    if (!isUuid(agencyId)) throw new NotFound();
    if (!isUuid(intoId)) throw new FieldErrors({ into: 'admin.agency.chooseTarget' });
    if (agencyId.toLowerCase() === intoId.toLowerCase()) throw new FieldErrors({ into: 'admin.agency.notIntoItself' });
    return this.dataSource.transaction(async (manager) => {
      // Both rows locked, in id order so two crossing merges cannot deadlock: nobody renames,
      // merges or joins either agency halfway through.
      const locked: AgencyView[] = await manager.query(`SELECT id, name FROM agency WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, [agencyId, intoId]);
      const merged = locked.find((agency) => agency.id === agencyId.toLowerCase());
      const into = locked.find((agency) => agency.id === intoId.toLowerCase());
      if (!merged) throw new NotFound();
      if (!into) throw new FieldErrors({ into: 'admin.agency.chooseTarget' });
      const [, usersMoved] = (await manager.query(`UPDATE app_user SET agency_id = $2, updated_at = now() WHERE agency_id = $1`, [merged.id, into.id])) as [unknown, number];
      await manager.query(`DELETE FROM agency WHERE id = $1`, [merged.id]);
      await this.users.audit(manager, {
        actorUserId,
        action: 'agency.merged',
        targetType: 'agency',
        targetId: into.id,
        details: { merged: { id: merged.id, name: merged.name }, into: { id: into.id, name: into.name }, usersMoved },
      });
      return usersMoved;
    });
  }
}
