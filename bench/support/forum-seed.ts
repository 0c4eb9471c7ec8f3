// The discussion channels' benchmark data: authors and readers, a programme with its rounds (each
// round's forum made by the cohort trigger), threads in the network channels and the rounds'
// forums, one long thread, and posts of word-salad text in Finnish (most), Swedish and English,
// drawn from vocabularies with inflected forms and a realistic spread of word frequencies, so that
// search has something to stem and common words match many posts, rare ones few. Bodies are plain
// paragraphs, so their HTML is what renderMarkdown makes of them (checked on a sample by the
// benchmark).
//
// Bodies are drawn here (seeded generators: every run gets the same texts, times and shape) and
// posts inserted in time order, as a forum's table fills, in batches with INSERT … SELECT FROM
// unnest(…), over connections with session_replication_role = replica: no per-row trigger fires,
// neither the foreign keys' checks (the benchmark checks every reference afterwards) nor
// forum_post's own triggers, whose work is done set-based instead: the search vector in the same
// INSERT with the expression of forum_post_vector (forums/sql/post-search.sql: Voikko's terms from
// search_word, which the caller's `learn` fills with every word the generator can write before a
// post is loaded, as the app learns a post's words before writing it), reply counts and latest
// activity in one UPDATE afterwards (the benchmark checks the stored vectors against what the
// trigger computes, and the counts). The two secondary indexes of forum_post are dropped for the
// load and rebuilt from their own definitions. With `snowballColumn`, each post also gets its
// vector as the trigger made it before issue 20 (PostgreSQL's snowball `finnish`, `swedish`,
// `english`) in a column search_snowball the caller added: bench:search's baseline.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { benchVocabulary } from './bench-vocabulary';

export interface SeedOptions {
  /** The bench database: posts are loaded over connections of their own (see seedForum). */
  databaseUrl: string;
  /** Distinguishes this run's rows (emails, slugs). */
  tag: string;
  posts: number;
  threads: number;
  longThreadPosts: number;
  authors: number;
  cohorts: number;
  readers: number;
  /** The readers' password hash (they sign in through the form). */
  passwordHash: string;
  /** Statements under way at once while loading posts. */
  parallel: number;
  /** Learns the words of these texts before any post is loaded; by default SearchVocabulary.learn on a connection of its own (bench-vocabulary.ts). */
  learn?: (texts: string[]) => Promise<unknown>;
  /** Also fill forum_post.search_snowball (added by the caller) with the snowball vector the trigger made before issue 20. */
  snowballColumn?: boolean;
}

export interface Seeded {
  readerEmails: string[];
  readerIds: string[];
  /** Channels the readers may read: the network ones, announcements and their round's forum (which holds the long thread). */
  readableChannelIds: string[];
  longThreadId: string;
  /** Milliseconds per seeding step. */
  timings: Record<string, number>;
  figures: Record<string, unknown>;
}

const words = (text: string) => text.trim().split(/\s+/);

// A language's words: function words (drawn two times in five, evenly), and content words by
// lemma, the lemmas in order of frequency (a lemma's rank r drawn with probability about 1/r, as
// in real text), each with its inflected forms (one drawn evenly). A Finnish lemma written
// "nominative/stem" gets the forms nominative, stem+n, stem+ssa, stem+sta, stem+lle, stem+ksi,
// stem+t (with the stem's vowel harmony); "a|b|c" lists the forms themselves. The last few are
// written only inflected or inside compounds (käsi, alue, jalka never as such): what bench:search
// checks Finnish search finds.
const FI_FUNCTION = `ja on että se ei kun mutta myös niin tai jos kuin meidän tämä oli ovat voi joka miten mitä nyt vielä sitten paljon aina jo
  esimerkiksi hyvin kyllä vain ehkä siis eli sekä jotta koska vaikka mikä missä meillä teillä heidän minun sinun tässä siinä`;
const FI_LEMMAS = `työ/työ asia/asia ryhmä/ryhmä tiimi/tiimi päivä/päivä tehdä|teemme|tehtiin|tehnyt hyvä|hyvää|hyviä kiitos|kiitoksia
  aika/aja ihminen/ihmise kokemus/kokemukse ajatus/ajatukse tapa/tava tieto/tiedo kysymys/kysymykse vastaus/vastaukse uusi|uuden|uusia|uutta
  tärkeä|tärkeää|tärkeitä keskustelu/keskustelu palvelu/palvelu asiakas/asiakkaa|asiakkaiden|asiakkaille|asiakkaita kokeilu/kokeilu|kokeiluja
  tapaaminen/tapaamise muutos/muutokse|muutoksia esimerkki/esimerki|esimerkkejä idea/idea|ideoita malli/malli|malleja menetelmä/menetelmä|menetelmiä
  ymmärtää|ymmärrämme|ymmärsin jakaa|jaoimme|jakanut oppia|opimme|oppinut kokeilla|kokeilimme|kokeillut pohtia|pohdimme|pohtinut sopia|sovimme|sovittu
  virasto/virasto|virastojen organisaatio/organisaatio johtaminen/johtamise esihenkilö/esihenkilö|esihenkilöt prosessi/prosessi|prosesseja
  tavoite/tavoittee|tavoitteet|tavoitteiden ratkaisu/ratkaisu|ratkaisuja ongelma/ongelma|ongelmia haaste/haastee|haasteita mahdollisuus/mahdollisuude
  verkosto/verkosto|verkostoon yhteistyö/yhteistyö|yhteistyötä valmennus/valmennukse välitehtävä/välitehtävä|välitehtävää palaute/palauttee|palautetta
  vaikea|vaikeaa helppo|helppoa selkeä|selkeää kiinnostava|kiinnostavaa näkökulma/näkökulma|näkökulmia oppiminen/oppimise reflektio/reflektio|reflektiota
  kehittäminen/kehittämise|kehittämistä kehittää|kehitämme|kehitti|kehittänyt kehittäjä/kehittäjä|kehittäjien|kehittäjille|kehittäjiä|kehittäjät
  osaaminen/osaamise|osaamista koulutus/koulutukse työpaja/työpaja aikataulu/aikataulu budjetti/budjeti resurssi/resurssi|resursseja
  päätös/päätökse|päätöksiä hanke/hankkee|hankkeita sidosryhmä/sidosryhmä|sidosryhmien kumppani/kumppani|kumppaneiden vuorovaikutus/vuorovaikutukse
  luottamus/luottamukse|luottamusta mittari/mittari|mittareita data/data arviointi/arvioinni vaikuttavuus/vaikuttavuude strategia/strategia
  ministeriö/ministeriö kunta/kunna|kuntien kansalainen/kansalaise|kansalaisten digitalisaatio/digitalisaatio tekoäly/tekoäly
  palvelumuotoilu/palvelumuotoilu systeemiajattelu/systeemiajattelu systeemikartta/systeemikarta kompleksisuus/kompleksisuude
  fasilitointi/fasilitoinni fasilitaattori/fasilitaattori esitys/esitykse dokumentti/dokumenti raportti/raporti ketterä|ketterää|ketterästi
  syksy/syksy kevät/kevää viikko/viiko kuukausi/kuukaude aamu/aamu iltapäivä/iltapäivä järjestelmä/järjestelmä käyttäjä/käyttäjä|käyttäjien
  ohjelma/ohjelma tutkimus/tutkimukse kysely/kysely haastattelu/haastattelu työkalu/työkalu|työkaluja alusta/alusta sovellus/sovellukse
  rajapinta/rajapinna laki/lai asetus/asetukse hallinto/hallinno johtoryhmä/johtoryhmä kulttuuri/kulttuuri hyvinvointi/hyvinvoinni
  etätyö/etätyö hybriditapaaminen/hybriditapaamise toimisto/toimisto kokous/kokoukse pilotti/piloti laatu/laadu tulos/tulokse|tuloksia
  vaikutus/vaikutukse riski/riski hankinta/hankinna sopimus/sopimukse asiantuntija/asiantuntija suunnitelma/suunnitelma yhteenveto/yhteenvedo
  materiaali/materiaali tallenne/tallentee kommentti/kommenti Helsinki|Helsingissä|Helsinkiin Tampere|Tampereella Oulu|Oulussa Turku|Turussa
  kädessä|käden|käsissä|kädet keskustelualueen|keskustelualueella|keskustelualueelle itsearviointityökalu/itsearviointityökalu|itsearviointityökalut
  johtamiskulttuuri/johtamiskulttuuri|johtamiskulttuuria jalkojen|jalassa|jalat`;

const SV_FUNCTION = `och att det är som för på med inte en ett av jag vi har till om den kan men också hur vad när så eller`;
const SV_LEMMAS = `arbete|arbetet grupp|gruppen team|teamet tack|tacksam dag|dagen ny|nya viktig|viktigt fråga|frågan|frågor svar|svaret erfarenhet|erfarenheter
  kund|kunden|kunder|kundernas idé|idéer exempel|exemplet metod|metoder modell|modellen förändring|förändringen utveckling|utvecklingen
  utvecklare|utvecklaren|utvecklarna|utvecklarnas nätverk|nätverket|nätverkets myndighet|myndigheten|myndigheter återkoppling ledarskap|ledarskapet
  tjänst|tjänsten|tjänster tjänstedesign systemtänkande komplexitet coachning möte|mötet|mötena uppgift|uppgiften försök mål|målen kunskap beslut
  process|processen projekt|projektet samarbete|samarbetet förtroende lärande reflektion diskussion|diskussionen förslag lösning|lösningar problem
  utmaning|utmaningar möjlighet tidtabell budget kompetens utbildning workshop rapport bedömning strategi ministeriet kommun|kommunen medborgare
  digitalisering höst|hösten vår|våren vecka|veckan Helsingfors Åbo distansarbete`;

const EN_FUNCTION = `the and is of to in that it for with was are this we our what how but or be have not at on as`;
const EN_LEMMAS = `work|working team|teams day|days new important question|questions answer|answers experience|experiences customer|customers idea|ideas
  example|examples method|methods model|models change|changes development developer|developers network|networks agency|agencies feedback
  leadership service|services design systems thinking complexity coaching meeting|meetings assignment experiment|experiments goal|goals
  knowledge decision|decisions process|processes project|projects collaboration trust learning reflection discussion proposal solution|solutions
  problem|problems challenge|challenges opportunity schedule budget skills training workshop report evaluation impact strategy ministry
  municipality citizens digitalisation autumn spring week Helsinki remote`;

const BACK_VOWELS = /[aou]/;

/** A Finnish lemma's forms; see above. */
function finnishForms(lemma: string): string[] {
  const [head, ...more] = lemma.split('|');
  if (!head.includes('/')) return [head, ...more];
  const [nominative, stem] = head.split('/');
  const back = BACK_VOWELS.test(stem);
  const cases = back ? ['n', 'ssa', 'sta', 'lle', 'ksi', 't'] : ['n', 'ssä', 'stä', 'lle', 'ksi', 't'];
  return [nominative, ...cases.map((ending) => stem + ending), ...more];
}

interface Vocabulary {
  functionWords: string[];
  /** Each lemma's forms, in order of frequency. */
  lemmas: string[][];
}

const VOCABULARIES: Record<Language, Vocabulary> = {
  fi: { functionWords: words(FI_FUNCTION), lemmas: words(FI_LEMMAS).map(finnishForms) },
  sv: { functionWords: words(SV_FUNCTION), lemmas: words(SV_LEMMAS).map((lemma) => lemma.split('|')) },
  en: { functionWords: words(EN_FUNCTION), lemmas: words(EN_LEMMAS).map((lemma) => lemma.split('|')) },
};

export type Language = 'fi' | 'sv' | 'en';

/** A sentence that a few posts in ten thousand carry: the rare word of the search queries. */
export const RARE_WORD = 'kvanttilaskenta';
const RARE_SENTENCE = 'Kvanttilaskenta kiinnostaa meitä.';
const RARE_EVERY = 9973;

const TITLES: Record<Language, string[]> = {
  fi: [
    'Kokemuksia etätyöstä',
    'Välitehtävä: systeemikartta',
    'Kehittäjien verkoston tapaaminen',
    'Palautetta valmennuksesta',
    'Miten mittaatte vaikuttavuutta?',
    'Asiakasymmärrys virastossa',
    'Ketterä kehittäminen hankkeissa',
    'Tekoäly asiakaspalvelussa',
    'Johtaminen muutoksessa',
    'Palvelumuotoilun työkalut',
    'Kysymys fasilitoinnista',
    'Hybriditapaamisten käytännöt',
    'Sidosryhmäyhteistyö kunnissa',
    'Oppimispäiväkirja',
    'Kevään tapaamisen materiaalit',
    'Ideoita seuraavaan työpajaan',
    'Datan hyödyntäminen päätöksenteossa',
    'Kompleksisuus arjen työssä',
    'Kokeilukulttuuri',
    'Esihenkilön rooli kehittämisessä',
  ],
  sv: ['Erfarenheter av distansarbete', 'Återkoppling på coachningen', 'Tjänstedesign i myndigheten', 'Ledarskap i förändring', 'Frågor om workshoppen'],
  en: ['Remote work experiences', 'Feedback on the coaching', 'Service design tools', 'Leadership in change', 'Questions about the workshop'],
};

const FIRST_NAMES = words('Aino Eero Helmi Juhani Kaisa Lauri Maria Mikko Noora Olli Pekka Riikka Sanna Timo Ulla Veera Antti Elina Heikki Johanna Kari Laura Matti Minna Paula Sami Tuula Ville Anna Jukka');
const LAST_NAMES = words('Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen');

/** A small deterministic generator, so that every run (and size) gets the same shape of data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A post's text: 1–3 paragraphs of 8–39 words, two words in five function words, the others a
 * lemma of rank r with probability about 1/r (log-uniform rank) in one of its forms.
 */
function postBody(random: () => number, vocabulary: Vocabulary, rare: boolean): string {
  const { functionWords, lemmas } = vocabulary;
  const logLemmas = Math.log(lemmas.length + 1);
  const paragraphs: string[] = [];
  for (let p = 1 + Math.floor(random() * 3); p > 0; p--) {
    const sentence: string[] = [];
    for (let n = 8 + Math.floor(random() * 32); n > 0; n--) {
      if (random() < 0.4) sentence.push(functionWords[Math.floor(random() * functionWords.length)]);
      else {
        const forms = lemmas[Math.min(lemmas.length, Math.floor(Math.exp(random() * logLemmas))) - 1];
        sentence.push(forms[Math.floor(random() * forms.length)]);
      }
    }
    const text = sentence.join(' ');
    paragraphs.push(`${text[0].toUpperCase()}${text.slice(1)}.`);
  }
  if (rare) paragraphs.push(RARE_SENTENCE);
  return paragraphs.join('\n\n');
}

/** An instant to the microsecond, as PostgreSQL keeps now(): cursors then carry all six digits. */
const microsecondInstant = (ms: number, micros: number) => `${new Date(Math.floor(ms)).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;

const DAY_MS = 86_400_000;

/** A post's search vector as forum_post_vector makes it (the thread's title only in the opening post's). */
export const POST_VECTOR = `setweight(search_vector(p.language, coalesce(p.title, '')), 'A') || search_vector(p.language, p.body)`;
/** … and as the forum_post_search trigger made it before issue 20: snowball stems only. */
export const SNOWBALL_POST_VECTOR = `setweight(to_tsvector(forum_search_config(p.language), coalesce(p.title, '')), 'A') || to_tsvector(forum_search_config(p.language), p.body)`;

/**
 * Posts as the app would have written them: body_html as renderMarkdown makes it of plain
 * paragraphs, and the search vector as forum_post_vector makes it.
 */
const insertPosts = (snowball: boolean) => `
  INSERT INTO forum_post (id, thread_id, author_id, reply_to_id, body, body_html, language, created_at, deleted_at, hidden_at, hidden_reason, search${snowball ? ', search_snowball' : ''})
  SELECT p.id, p.thread_id, p.author_id, p.reply_to_id, p.body,
         '<p>' || replace(p.body, E'\\n\\n', E'</p>\\n<p>') || E'</p>\\n',
         p.language, p.created_at, p.deleted_at, p.hidden_at, CASE WHEN p.hidden_at IS NOT NULL THEN 'Asiaton viesti' END,
         ${POST_VECTOR}${snowball ? `, ${SNOWBALL_POST_VECTOR}` : ''}
  FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[])
    AS p(id, thread_id, author_id, reply_to_id, body, language, created_at, deleted_at, hidden_at, title)`;

/** Every word the generator can write (each language's words, the titles, the rare sentence), one text a language and one of the titles. */
export function seedVocabularyTexts(): string[] {
  return [
    ...Object.values(VOCABULARIES).map((v) => [...v.functionWords, ...v.lemmas.flat()].join(' ')),
    [...Object.values(TITLES).flat(), 'Kehittäjäverkoston kevät: kysymykset ja vastaukset', RARE_SENTENCE].join(' \n'),
  ];
}

/** `count` post bodies as the seed draws them (85 % Finnish, 10 % Swedish, 5 % English), from a generator of their own: for timing what writing a post costs. */
export function samplePosts(count: number, seed = 20261207): { body: string; language: Language }[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const roll = random();
    const language: Language = roll < 0.85 ? 'fi' : roll < 0.95 ? 'sv' : 'en';
    return { body: postBody(random, VOCABULARIES[language], i % RARE_EVERY === RARE_EVERY - 1), language };
  });
}

interface ThreadPlan {
  no: number;
  id: string;
  channelId: string;
  /** Index of the round whose forum holds it, or null for a network channel. */
  cohort: number | null;
  /** A reflection thread (participants see the others' replies once they have posted). */
  postFirst: boolean;
  authorId: string;
  posts: number;
  firstAtMs: number;
  stepMs: number;
  lang: Language;
  title: string;
}

interface PostBatch {
  id: string[];
  threadId: string[];
  authorId: string[];
  replyToId: (string | null)[];
  body: string[];
  language: string[];
  createdAt: string[];
  deletedAt: (string | null)[];
  hiddenAt: (string | null)[];
  title: (string | null)[];
}

/**
 * A thread's posts, one at a time in time order: authors from its round (or anyone, in a network
 * channel), one in five a reply to one of the two posts before it, about one in 200 deleted and
 * one in 1,000 hidden (never the opening post), minutes to days apart. Each thread draws from a
 * generator of its own, so its posts do not depend on how threads interleave.
 */
class ThreadWriter {
  private readonly random: () => number;
  private n = 0;
  private readonly recent: string[] = [];
  private rare: number;
  /** When the thread's next post is written; Infinity once all are. */
  nextAtMs: number;

  constructor(
    private readonly thread: ThreadPlan,
    private readonly authors: string[],
    private readonly cohorts: number,
  ) {
    this.random = mulberry32(1000 + thread.no);
    this.rare = thread.no * 7;
    this.nextAtMs = this.timeOf(0);
  }

  private timeOf(n: number): number {
    return n < this.thread.posts ? this.thread.firstAtMs + n * this.thread.stepMs + this.random() * 60_000 : Infinity;
  }

  /** Adds the next post to the batch. */
  writeInto(batch: PostBatch): void {
    const { thread, random, n } = this;
    const atMs = this.nextAtMs;
    const id = randomUUID();
    const perCohort = Math.floor(this.authors.length / this.cohorts);
    const author =
      n === 0 ? thread.authorId : thread.cohort === null ? this.authors[Math.floor(random() * this.authors.length)] : this.authors[thread.cohort + this.cohorts * Math.floor(random() * perCohort)];
    const roll = random();
    batch.id.push(id);
    batch.threadId.push(thread.id);
    batch.authorId.push(author);
    batch.replyToId.push(n >= 2 && roll < 0.2 ? this.recent[Math.floor(random() * 2)] : null);
    batch.body.push(postBody(random, VOCABULARIES[thread.lang], ++this.rare % RARE_EVERY === 0));
    batch.language.push(thread.lang);
    batch.createdAt.push(microsecondInstant(atMs, Math.floor(random() * 1000)));
    batch.deletedAt.push(n > 0 && roll >= 0.2 && roll < 0.205 ? new Date(atMs + 3_600_000).toISOString() : null);
    batch.hiddenAt.push(n > 0 && roll >= 0.3 && roll < 0.301 ? new Date(atMs + 7_200_000).toISOString() : null);
    batch.title.push(n === 0 ? thread.title : null);
    this.recent.unshift(id);
    this.recent.length = Math.min(this.recent.length, 2);
    this.n++;
    this.nextAtMs = this.timeOf(this.n);
  }
}

/**
 * Every thread's posts in one time order, as a forum's table fills (rows of the same days side by
 * side on disk, a thread's posts spread over months of them): the writer whose next post is
 * earliest writes next (a binary heap on nextAtMs).
 */
class Timeline {
  private readonly heap: ThreadWriter[];

  constructor(writers: ThreadWriter[]) {
    this.heap = [];
    for (const writer of writers) this.push(writer);
  }

  get done(): boolean {
    return this.heap.length === 0;
  }

  /** Fills a batch with up to `size` posts, the earliest first. */
  next(size: number): PostBatch {
    const batch = emptyBatch();
    while (batch.id.length < size && this.heap.length) {
      const writer = this.pop();
      writer.writeInto(batch);
      if (writer.nextAtMs !== Infinity) this.push(writer);
    }
    return batch;
  }

  private push(writer: ThreadWriter): void {
    const heap = this.heap;
    heap.push(writer);
    for (let i = heap.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (heap[up].nextAtMs <= heap[i].nextAtMs) break;
      [heap[up], heap[i]] = [heap[i], heap[up]];
      i = up;
    }
  }

  private pop(): ThreadWriter {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && heap[left].nextAtMs < heap[least].nextAtMs) least = left;
        if (right < heap.length && heap[right].nextAtMs < heap[least].nextAtMs) least = right;
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i], heap[least]];
        i = least;
      }
    }
    return top;
  }
}

const emptyBatch = (): PostBatch => ({ id: [], threadId: [], authorId: [], replyToId: [], body: [], language: [], createdAt: [], deletedAt: [], hiddenAt: [], title: [] });

/** Posts an INSERT carries. */
const BATCH_POSTS = 5000;

export async function seedForum(pool: Pool, options: SeedOptions): Promise<Seeded> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => (await pool.query(sql, params)).rows as T[];
  const random = mulberry32(20261208);
  const { tag } = options;

  // People: authors spread over the rounds (author i is in round i % cohorts), and the readers.
  const authorIds = await timed('users', async () => {
    const rows = await q<{ id: string }>(
      `INSERT INTO app_user (email, display_name, language)
       SELECT 'kirjoittaja-' || i || '-' || $1 || '@example.fi', ($2::text[])[1 + i % cardinality($2::text[])] || ' ' || ($3::text[])[1 + (i / cardinality($2::text[])) % cardinality($3::text[])],
              CASE WHEN i % 20 = 0 THEN 'en' WHEN i % 10 = 0 THEN 'sv' ELSE 'fi' END
       FROM generate_series(0, $4::int - 1) AS i ORDER BY i RETURNING id`,
      [tag, FIRST_NAMES, LAST_NAMES, options.authors],
    );
    return rows.map((row) => row.id);
  });
  const readerEmails = Array.from({ length: options.readers }, (_, i) => `lukija-${i + 1}-${tag}@example.fi`);
  const readerIds = (
    await q<{ id: string }>(
      `INSERT INTO app_user (email, display_name, language, password_hash)
       SELECT email, 'Lukija ' || ord, 'fi', $2 FROM unnest($1::text[]) WITH ORDINALITY AS r(email, ord) ORDER BY ord RETURNING id`,
      [readerEmails, options.passwordHash],
    )
  ).map((row) => row.id);

  // A programme and its rounds; each round's forum comes from the cohort trigger.
  const cohortIds = await timed('cohorts', async () => {
    const [{ id: programmeId }] = await q<{ id: string }>(
      `INSERT INTO programme (slug, title, summary, description, theme, status) VALUES ($1, $2, $3, $4, 'complexity', 'published') RETURNING id`,
      [
        `keskustelut-${tag}`,
        { fi: 'Kompleksisuus ja systeemiajattelu', sv: 'Komplexitet och systemtänkande', en: 'Complexity and systems thinking' },
        { fi: 'Kolmen päivän valmennus.', sv: 'Tre dagars coachning.', en: 'Three days of coaching.' },
        { fi: 'Valmennus **kompleksisuusajatteluun**.' },
      ],
    );
    const perCohort = Math.ceil(options.authors / options.cohorts);
    const rows = await q<{ id: string }>(
      `INSERT INTO cohort (programme_id, name, term, status, capacity, enrolment_opens_at, enrolment_closes_at, delivery_mode, starts_at, ends_at)
       SELECT $1, 'Ryhmä ' || i, '2026-autumn', 'published', CASE WHEN i = 1 THEN $3::int + $4::int ELSE $3::int END,
              now() - interval '400 days', now() - interval '300 days', 'hybrid', now() - interval '290 days', now() + interval '60 days'
       FROM generate_series(1, $2::int) AS i ORDER BY i RETURNING id`,
      [programmeId, options.cohorts, perCohort, options.readers],
    );
    const ids = rows.map((row) => row.id);
    await q(
      `INSERT INTO enrolment (cohort_id, user_id, status, confirmed_at)
       SELECT ($1::uuid[])[1 + (ord - 1) % cardinality($1::uuid[])], user_id, 'confirmed', now() FROM unnest($2::uuid[]) WITH ORDINALITY AS a(user_id, ord)
       UNION ALL SELECT ($1::uuid[])[1], user_id, 'confirmed', now() FROM unnest($3::uuid[]) AS r(user_id)`,
      [ids, authorIds, readerIds],
    );
    await q(`UPDATE cohort c SET seats_taken = (SELECT count(*) FROM enrolment e WHERE e.cohort_id = c.id AND e.status = 'confirmed') WHERE c.id = ANY($1::uuid[])`, [ids]);
    return ids;
  });

  const channels = await q<{ id: string; kind: string; cohort_id: string | null }>(`SELECT id, kind, cohort_id FROM forum_channel ORDER BY position, created_at`);
  const network = channels.filter((c) => c.kind === 'network').map((c) => c.id);
  const announcements = channels.find((c) => c.kind === 'announcements')!.id;
  const cohortChannel = (cohort: number) => channels.find((c) => c.cohort_id === cohortIds[cohort])!.id;
  const readerChannelId = cohortChannel(0);

  // Threads: the long one first, in the readers' round; the others with their share of the rest.
  const threadCount = options.threads;
  const rest = options.posts - options.longThreadPosts;
  if (threadCount < 2 || rest < threadCount - 1) throw new Error(`${options.posts} posts cannot fill ${threadCount} threads with a long one of ${options.longThreadPosts}`);
  const weights = Array.from({ length: threadCount - 1 }, () => 0.2 + 1.6 * random());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((rest * w) / weightSum)));
  for (let i = 0, left = rest - counts.reduce((a, b) => a + b, 0); left !== 0; i = (i + 1) % counts.length) {
    if (left > 0) {
      counts[i]++;
      left--;
    } else if (counts[i] > 1) {
      counts[i]--;
      left++;
    }
  }
  const now = Date.now();
  const threads: ThreadPlan[] = Array.from({ length: threadCount }, (_, no) => {
    const langRoll = random();
    const lang: Language = no === 0 || langRoll < 0.85 ? 'fi' : langRoll < 0.95 ? 'sv' : 'en';
    const slot = no % 10;
    // Three in ten threads are in a round's forum, one in ten in announcements, the rest in the network channels.
    const cohort = no === 0 ? 0 : slot >= 7 ? Math.floor(random() * options.cohorts) : null;
    const channelId = cohort !== null ? cohortChannel(cohort) : slot === 0 ? announcements : network[slot % network.length];
    const posts = no === 0 ? options.longThreadPosts : counts[no - 1];
    const firstAtMs = no === 0 ? now - 200 * DAY_MS : now - 730 * DAY_MS + random() * 700 * DAY_MS;
    const span = (now - DAY_MS - firstAtMs) * (no === 0 ? 0.95 : 0.05 + 0.95 * random());
    const titles = TITLES[lang];
    const authorIndex = cohort === null ? Math.floor(random() * authorIds.length) : cohort + options.cohorts * Math.floor(random() * Math.floor(authorIds.length / options.cohorts));
    return {
      no,
      id: randomUUID(),
      channelId,
      cohort,
      // One in ten of the rounds' threads is a reflection thread.
      postFirst: no % 30 === 7,
      authorId: authorIds[authorIndex],
      posts,
      firstAtMs,
      // At least two minutes apart, so a post's random seconds never put it before the one above.
      stepMs: Math.max(120_000, Math.floor(span / posts)),
      lang,
      title: no === 0 ? 'Kehittäjäverkoston kevät: kysymykset ja vastaukset' : `${titles[no % titles.length]} (${no})`,
    };
  });

  const indexes = await q<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'forum_post' AND indexname IN ('forum_post_search', 'forum_post_thread_order')`,
  );
  if (indexes.length !== 2) throw new Error(`expected forum_post's indexes forum_post_search and forum_post_thread_order, found ${indexes.map((i) => i.indexname).join(', ')}`);

  await timed('threads', () =>
    q(
      `INSERT INTO forum_thread (id, channel_id, author_id, title, post_first, created_at, last_post_at, updated_at)
       SELECT id, channel_id, author_id, title, post_first, first_at, first_at, first_at
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::boolean[], $6::timestamptz[]) AS t(id, channel_id, author_id, title, post_first, first_at)`,
      [
        threads.map((t) => t.id),
        threads.map((t) => t.channelId),
        threads.map((t) => t.authorId),
        threads.map((t) => t.title),
        threads.map((t) => t.postFirst),
        threads.map((t) => new Date(t.firstAtMs).toISOString()),
      ],
    ),
  );

  for (const index of indexes) await q(`DROP INDEX ${index.indexname}`);

  // As the app learns a post's words before writing it: every word the generator can write, before any post.
  await timed('vocabulary', async () => {
    if (options.learn) return options.learn(seedVocabularyTexts());
    const own = await benchVocabulary(options.databaseUrl);
    try {
      await own.vocabulary.learn(seedVocabularyTexts());
    } finally {
      await own.close();
    }
  });
  const insert = insertPosts(options.snowballColumn ?? false);

  // In time order, BATCH_POSTS at a time, `parallel` statements under way; each batch drawn just before it is sent.
  const timeline = new Timeline(threads.map((thread) => new ThreadWriter(thread, authorIds, options.cohorts)));
  let generatingMs = 0;
  // Replica role: a reply may point at a post that the other connection is still inserting.
  const loader = new Pool({ connectionString: options.databaseUrl, max: options.parallel, options: '-c session_replication_role=replica', application_name: 'verso-bench-seed' });
  try {
    await timed('posts', async () => {
      const lane = async () => {
        while (!timeline.done) {
          const started = performance.now();
          const batch = timeline.next(BATCH_POSTS);
          generatingMs += performance.now() - started;
          await loader.query(insert, [batch.id, batch.threadId, batch.authorId, batch.replyToId, batch.body, batch.language, batch.createdAt, batch.deletedAt, batch.hiddenAt, batch.title]);
        }
      };
      await Promise.all(Array.from({ length: options.parallel }, lane));
    });
  } finally {
    await loader.end();
  }
  timings.postsDrawnInNode = Math.round(generatingMs);

  // What the activity trigger keeps per post: visible replies (posts after the opening one, which is never deleted or hidden here), latest post.
  await timed('threadActivity', () =>
    q(`UPDATE forum_thread t SET reply_count = a.visible - 1, last_post_at = a.last_at
       FROM (SELECT thread_id, count(*) FILTER (WHERE deleted_at IS NULL AND hidden_at IS NULL)::int AS visible, max(created_at) AS last_at FROM forum_post GROUP BY thread_id) a
       WHERE a.thread_id = t.id`),
  );
  await timed('indexes', async () => {
    const client = await pool.connect();
    try {
      await client.query(`SET maintenance_work_mem = '512MB'`);
      await Promise.all(indexes.map((index) => (index.indexname === 'forum_post_search' ? client.query(index.indexdef) : pool.query(index.indexdef))));
    } finally {
      client.release();
    }
  });
  await timed('vacuumAnalyze', async () => {
    for (const table of ['forum_post', 'forum_thread', 'app_user', 'enrolment', 'forum_channel', 'cohort']) await q(`VACUUM ANALYZE ${table}`);
  });

  const [sizes] = await q<{ posts: number; threads: number; reflection_threads: number; table_bytes: string; search_index_bytes: string; fi: number; sv: number; en: number; deleted: number; hidden: number; replies: number; rare: number }>(
    `SELECT (SELECT count(*)::int FROM forum_post) AS posts, (SELECT count(*)::int FROM forum_thread) AS threads,
            (SELECT count(*)::int FROM forum_thread WHERE post_first) AS reflection_threads,
            pg_total_relation_size('forum_post')::text AS table_bytes, pg_relation_size('forum_post_search')::text AS search_index_bytes,
            count(*) FILTER (WHERE language = 'fi')::int AS fi, count(*) FILTER (WHERE language = 'sv')::int AS sv, count(*) FILTER (WHERE language = 'en')::int AS en,
            count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS deleted, count(*) FILTER (WHERE hidden_at IS NOT NULL)::int AS hidden,
            count(*) FILTER (WHERE reply_to_id IS NOT NULL)::int AS replies, count(*) FILTER (WHERE body LIKE '%' || $1 || '%')::int AS rare
     FROM forum_post`,
    [RARE_SENTENCE],
  );
  return {
    readerEmails,
    readerIds,
    readableChannelIds: [announcements, ...network, readerChannelId],
    longThreadId: threads[0].id,
    timings,
    figures: {
      posts: sizes.posts,
      threads: sizes.threads,
      reflectionThreads: sizes.reflection_threads,
      longThreadPosts: options.longThreadPosts,
      authors: options.authors,
      readers: options.readers,
      cohorts: options.cohorts,
      languages: { fi: sizes.fi, sv: sizes.sv, en: sizes.en },
      deleted: sizes.deleted,
      hidden: sizes.hidden,
      repliesToPosts: sizes.replies,
      postsWithRareWord: sizes.rare,
      forumPostTotalMb: Math.round(Number(sizes.table_bytes) / 1048576),
      searchIndexMb: Math.round(Number(sizes.search_index_bytes) / 1048576),
      vocabulary: Object.fromEntries(Object.entries(VOCABULARIES).map(([lang, v]) => [lang, { functionWords: v.functionWords.length, lemmas: v.lemmas.length, forms: v.lemmas.flat().length }])),
    },
  };
}
