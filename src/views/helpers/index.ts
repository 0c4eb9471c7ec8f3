// The explicit list of view helpers, registered once on the app's Handlebars instance.
import type { HelperDelegate } from 'handlebars';
import { formatDate } from './format-date.helper';
import { roundName } from './round-name.helper';
import { t } from './t.helper';

export const HELPERS: Record<string, HelperDelegate> = { t, formatDate, roundName };
