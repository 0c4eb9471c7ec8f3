// A post's language, guessed from its words when the writer did not choose one: search then stems
// it with the right configuration (finnish, swedish, english). Counting frequent function words is
// enough for posts of a sentence or more; a tie or a text too short keeps the writer's UI language.
import { Language } from '../i18n/i18n';

const MARKERS: Record<Language, ReadonlySet<string>> = {
  fi: new Set(['ja', 'on', 'ei', 'että', 'se', 'kuin', 'mutta', 'tai', 'myös', 'ole', 'oli', 'mitä', 'joka', 'kun', 'niin', 'sen', 'olen', 'ovat', 'voi', 'jos', 'tämä', 'meidän', 'miten', 'minä', 'hyvä', 'kiitos']),
  sv: new Set(['och', 'att', 'det', 'är', 'som', 'för', 'på', 'med', 'inte', 'en', 'ett', 'av', 'jag', 'vi', 'har', 'till', 'om', 'den', 'kan', 'men', 'också', 'vad', 'hur', 'tack', 'våra']),
  en: new Set(['the', 'and', 'is', 'of', 'to', 'in', 'that', 'it', 'for', 'with', 'was', 'are', 'this', 'be', 'have', 'not', 'we', 'our', 'what', 'how', 'but', 'or', 'thanks', 'can', 'you']),
};

export function detectLanguage(text: string, fallback: Language): Language {
  const words = text.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  const scores = (Object.keys(MARKERS) as Language[]).map((lang) => ({ lang, score: words.filter((word) => MARKERS[lang].has(word)).length }));
  scores.sort((a, b) => b.score - a.score);
  if (scores[0].score < 2 || scores[0].score === scores[1].score) return fallback;
  return scores[0].lang;
}
