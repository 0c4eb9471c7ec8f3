// Files in the demo (issue 19): the toolkit library's workbook, assessment tools, facilitation
// methods, a co-development model and two cases (fixtures/toolkit.json; the documents as small PDFs
// made by demo-pdf.ts), links on two programmes, a pre-assignment on every upcoming demo round's
// first session and the VALOA workbook on the coaching leadership rounds. Written through the
// toolkit's and the materials' services as the demo admin and facilitator, so the files are stored,
// checked and shown as any upload is. Run from DemoSeedService under an advisory lock, once.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Actor } from '../access/capabilities';
import { CatalogueService } from '../catalogue/catalogue.service';
import { DemoCohortsService } from '../catalogue/demo-cohorts.service';
import { LocalizedText } from '../i18n/i18n';
import { DemoPeopleService } from '../identity/demo-people.service';
import { LOGGER } from '../logging/logger';
import { MaterialsService } from '../materials/materials.service';
import { PROJECT_ROOT } from '../paths';
import { ToolkitService } from '../toolkit/toolkit.service';
import { ToolkitKind, ToolkitTheme } from '../toolkit/toolkit-entry.entity';
import { DEMO_ENROLMENTS, DEMO_FACILITATOR, DEMO_USERS } from './demo-data';
import { DemoDocument, demoPdf } from './demo-pdf';
import { whileDemoLocked } from './demo-lock';

/** Advisory lock key ("demL"), as the other demo seeds have theirs. */
const LIBRARY_LOCK_KEY = 0x64656d4c;

interface DemoEntry {
  key: string;
  kind: ToolkitKind;
  themes: ToolkitTheme[];
  title: LocalizedText;
  description: LocalizedText;
  links: { url: string; label: string }[];
  pdf: DemoDocument | null;
}

interface DemoMaterial {
  title: LocalizedText;
  note: LocalizedText;
}

interface DemoLibrary {
  entries: DemoEntry[];
  materials: {
    programmeLinks: (DemoMaterial & { programmeSlug: string; url: string })[];
    firstSession: DemoMaterial & { pdf: DemoDocument };
    roundWorkbook: DemoMaterial & { programmeSlug: string; entry: string };
  };
}

const LIBRARY: DemoLibrary = JSON.parse(readFileSync(join(PROJECT_ROOT, 'src', 'demo', 'fixtures', 'toolkit.json'), 'utf8'));

/** A document as an upload would bring it. */
async function* pdfUpload(document: DemoDocument) {
  yield { file: Readable.from([await demoPdf(document)]), filename: `${document.title}.pdf`, mimetype: 'application/pdf' };
}

/** The material form's fields for a title and note in fi/sv/en. */
function materialForm(material: DemoMaterial, url?: string) {
  const { title, note } = material;
  return { titleFi: title.fi, titleSv: title.sv, titleEn: title.en, noteFi: note.fi, noteSv: note.sv, noteEn: note.en, url };
}

@Injectable()
export class DemoLibraryService {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly cohorts: DemoCohortsService,
    private readonly people: DemoPeopleService,
    private readonly toolkit: ToolkitService,
    private readonly materials: MaterialsService,
  ) {}

  /** The toolkit's entries and the rounds' materials, on a site whose toolkit is empty. Returns the number of entries written. */
  async seedIfNone(): Promise<number> {
    return whileDemoLocked(this.dataSource, LIBRARY_LOCK_KEY, async () => {
      if ((await this.toolkit.all()).length > 0) return 0;
      const [admin] = await this.people.activeByEmail([DEMO_USERS.find((person) => person.admin)!.email]);
      const [facilitator] = await this.people.activeByEmail([DEMO_FACILITATOR]);
      if (!admin || !facilitator) {
        this.logger.info('demo toolkit not seeded: the demo admin or facilitator is missing');
        return 0;
      }
      for (const [position, entry] of LIBRARY.entries.entries()) {
        const id = await this.toolkit.create(admin, { kind: entry.kind, themes: entry.themes, title: entry.title, description: entry.description, position });
        for (const link of entry.links) await this.toolkit.addLink(admin, id, link.url, link.label);
        if (entry.pdf) await this.toolkit.addFiles(admin, id, pdfUpload(entry.pdf));
      }
      await this.seedMaterials(admin, facilitator);
      return LIBRARY.entries.length;
    });
  }

  private async seedMaterials(admin: Actor, facilitator: Actor): Promise<void> {
    const { programmeLinks, firstSession, roundWorkbook } = LIBRARY.materials;
    for (const link of programmeLinks) {
      const programme = await this.catalogue.findProgramme(link.programmeSlug, 'fi');
      if (programme) await this.materials.add(admin, 'programme', programme.id, materialForm(link, link.url), null);
    }
    const workbook = LIBRARY.entries.find((entry) => entry.key === roundWorkbook.entry)?.pdf;
    const upcoming = new Set(DEMO_ENROLMENTS.map(({ programmeSlug, round }) => `${programmeSlug}/${round}`));
    for (const cohort of await this.cohorts.published()) {
      if (!upcoming.has(`${cohort.programmeSlug}/${cohort.name}`)) continue;
      const [first] = await this.cohorts.sessionIds(cohort.id);
      if (first) await this.materials.add(facilitator, 'session', first, materialForm(firstSession), await this.pdfFile(firstSession.pdf));
      if (workbook && cohort.programmeSlug === roundWorkbook.programmeSlug) {
        await this.materials.add(facilitator, 'cohort', cohort.id, materialForm(roundWorkbook), await this.pdfFile(workbook));
      }
    }
  }

  private async pdfFile(document: DemoDocument) {
    return { content: Readable.from([await demoPdf(document)]), name: `${document.title}.pdf`, type: 'application/pdf' };
  }
}
