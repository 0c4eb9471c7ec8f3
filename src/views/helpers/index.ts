// The explicit list of view helpers, registered once on the app's Handlebars instance.
import type { HelperDelegate } from 'handlebars';
import { formatDate } from './format-date.helper';
import { cohortNameIn } from './cohort-name.helper';
import { remember } from './remember.helper';
import { t } from './t.helper';

export const HELPERS: Record<string, HelperDelegate> = { t, formatDate, cohortNameIn, remember };
