// libvoikko, the Finnish morphology of Finnish spell-checkers and LibreOffice, called through koffi
// (an FFI package with prebuilt binaries: nothing to compile at install). Debian ships the library
// and its dictionary as `libvoikko1 voikko-fi`. Where they are missing, loadVoikko says why and
// search falls back to PostgreSQL's snowball stemmer (search/sql/search-vector.sql).
//
// Calls are synchronous and take microseconds a word; a Voikko handle is not thread-safe, which
// does not matter in Node's one thread.
import koffi from 'koffi';

/** One reading of a word: its base form (käsi for kädessä) and Voikko's STRUCTURE (`=` opens each compound part). */
export interface WordReading {
  baseform: string;
  structure: string;
}

export interface Voikko {
  /** Every reading Voikko has of the word; none for a word it does not know. */
  analyse(word: string): WordReading[];
  /** Whether the word is spelled right. */
  spells(word: string): boolean;
  /** Voikko's corrections for a misspelled word, best first. */
  suggest(word: string): string[];
}

export type VoikkoLoad = { voikko: Voikko } | { missing: string };

/** Voikko from `library` (a name the loader finds, such as libvoikko.so.1, or a path), with its Finnish dictionary. */
export function loadVoikko(library: string): VoikkoLoad {
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(library);
  } catch (error) {
    return { missing: `libvoikko could not be loaded from ${library}: ${(error as Error).message.split('\n')[0]}` };
  }
  const init = lib.func('void *voikkoInit(_Out_ const char **error, const char *langcode, const char *path)');
  const analyzeWord = lib.func('void **voikkoAnalyzeWordCstr(void *handle, const char *word)');
  const analysisValue = lib.func('void *voikko_mor_analysis_value_cstr(void *analysis, const char *key)');
  const freeValue = lib.func('void voikko_free_mor_analysis_value_cstr(void *value)');
  const freeAnalyses = lib.func('void voikko_free_mor_analysis(void **analyses)');
  const spellWord = lib.func('int voikkoSpellCstr(void *handle, const char *word)');
  const suggestWord = lib.func('void **voikkoSuggestCstr(void *handle, const char *word)');
  const freeSuggestions = lib.func('void voikkoFreeCstrArray(void **array)');

  const error: (string | null)[] = [null];
  const handle = init(error, 'fi', null);
  if (!handle) return { missing: `libvoikko has no Finnish dictionary (${error[0] ?? 'voikkoInit failed'}): install voikko-fi` };

  /** The pointers of a NULL-terminated array. */
  const pointers = (array: unknown): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; ; i++) {
      const pointer = koffi.decode(array, i * koffi.sizeof('void *'), 'void *');
      if (!pointer) return out;
      out.push(pointer);
    }
  };
  const text = (pointer: unknown): string => koffi.decode(pointer, 'char', -1) as string;
  const value = (analysis: unknown, key: string): string => {
    const pointer = analysisValue(analysis, key);
    if (!pointer) return '';
    try {
      return text(pointer);
    } finally {
      freeValue(pointer);
    }
  };

  return {
    voikko: {
      analyse(word) {
        const analyses = analyzeWord(handle, word);
        if (!analyses) return [];
        try {
          return pointers(analyses).map((analysis) => ({ baseform: value(analysis, 'BASEFORM'), structure: value(analysis, 'STRUCTURE') }));
        } finally {
          freeAnalyses(analyses);
        }
      },
      spells(word) {
        return spellWord(handle, word) === 1;
      },
      suggest(word) {
        const suggestions = suggestWord(handle, word);
        if (!suggestions) return [];
        try {
          return pointers(suggestions).map(text);
        } finally {
          freeSuggestions(suggestions);
        }
      },
    },
  };
}

/**
 * The terms a word adds to a search vector besides itself (search/sql/search-vector.sql): each
 * reading's base form as `^base`, and for a compound every run of adjacent parts shorter than the
 * whole as `~run`, the last part in its base form: itsearviointityökalut gives ^itsearviointityökalu,
 * ~itse, ~arviointi, ~työ, ~kalu, ~työkalu, ~arviointityökalu… so "työkalu" finds it.
 */
export function wordTerms(readings: WordReading[]): string[] {
  const terms = new Set<string>();
  for (const { baseform, structure } of readings) {
    const base = baseform.toLowerCase();
    if (!base) continue;
    terms.add(`^${base}`);
    const parts = compoundParts(base, structure);
    for (let from = 0; from < parts.length; from++) {
      for (let to = from + 1; to <= parts.length; to++) {
        if (to - from < parts.length) terms.add(`~${parts.slice(from, to).join('')}`);
      }
    }
  }
  return [...terms];
}

/**
 * A compound base form cut where STRUCTURE opens its parts (`=`; each other character stands for
 * one letter of the word as written). The written word and its base form share every part but the
 * last, which inflection changes, so the cuts before the last part fall at the same letters; a
 * hyphen is its own cut. No cuts, or cuts that do not fit the base form: one part.
 */
function compoundParts(base: string, structure: string): string[] {
  const lengths: number[] = [];
  for (const mark of structure) {
    if (mark === '=') lengths.push(0);
    else if (lengths.length > 0) lengths[lengths.length - 1]++;
  }
  const parts: string[] = [];
  let at = 0;
  for (const length of lengths.slice(0, -1)) {
    parts.push(base.slice(at, at + length));
    at += length;
  }
  parts.push(base.slice(at));
  const cleaned = parts.map((part) => part.replace(/^-+|-+$/g, '')).filter(Boolean);
  return cleaned.length > 1 && cleaned.every((part) => part.length > 0) && at < base.length ? cleaned : [base];
}
