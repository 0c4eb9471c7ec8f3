// What the profile page shows (profile.controller.ts): the person's details, notification choices,
// digest time, password form and erasure request, with a refused form's input kept (never a
// password) and its messages next to its fields.
import { LANGUAGE_NAMES, LANGUAGES, Language, translate } from '../i18n/i18n';
import { AgencyView } from '../identity/agency.service';
import { DIGEST_RHYTHMS } from '../identity/user.entity';
import { Channel } from '../notifications/notification.entity';
import { kindName } from '../notifications/notification-kinds';
import { FieldMessages } from '../web/forms';
import { Profile } from './profile.service';

/** What `?saved=` may say, after a form was saved. */
export const NOTICES = new Set(['profile', 'notifications', 'digest', 'password', 'erasure', 'erasureAlready', 'register']);

/** What a refused form puts back on the page (its messages translated). */
export interface ProfileRefusal {
  details?: { form: { displayName: string; agencyId: string; language: string; hideName: boolean }; errors: FieldMessages };
  notifications?: { choices: Record<string, string>; errors: FieldMessages };
  digest?: { form: { hour: string; rhythm: string }; errors: FieldMessages };
  password?: { errors?: FieldMessages; error?: string };
  register?: { listed: boolean; errors: FieldMessages };
}

export interface ProfileData {
  profile: Profile;
  preferences: { kind: string; channel: Channel; channels: readonly Channel[] }[];
  agencies: AgencyView[];
  /** The site's digest hour, for a person who has not chosen one. */
  defaultDigestHour: number;
}

export function profilePage({ profile, preferences, agencies, defaultDigestHour }: ProfileData, lang: Language, refusal: ProfileRefusal = {}) {
  const form = refusal.details?.form ?? {
    displayName: profile.displayName,
    agencyId: profile.agencyId ?? '',
    language: profile.language,
    hideName: profile.hideNameFromParticipants,
  };
  const digestForm = refusal.digest?.form ?? { hour: profile.digestHour === null ? '' : String(profile.digestHour), rhythm: profile.digestRhythm };
  const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}.00`;
  const chosen = refusal.notifications?.choices ?? {};
  const preferenceErrors = refusal.notifications?.errors ?? {};
  const shownKinds = new Set(preferences.map((p) => p.kind));
  return {
    title: translate(lang, 'profile.title'),
    email: profile.email,
    form,
    errors: refusal.details?.errors ?? null,
    agencies: agencies.map((agency) => ({ ...agency, selected: agency.id === form.agencyId })),
    languageOptions: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code], selected: code === form.language })),
    preferences: preferences.map(({ kind, channel, channels }) => ({
      kind,
      label: kindName(kind, lang),
      error: preferenceErrors[kind] ?? null,
      options: channels.map((value: Channel) => ({
        id: `notify-${kind}-${value}`,
        value,
        label: translate(lang, `profile.notifications.channel.${value}`),
        checked: value === (chosen[kind] ?? channel),
      })),
    })),
    // A refused field that is not on the page (a kind that went away, a forged field).
    preferencesError: Object.keys(preferenceErrors).some((kind) => !shownKinds.has(kind)) ? translate(lang, 'profile.notifications.refused') : null,
    digest: {
      errors: refusal.digest?.errors ?? null,
      // Kept as typed when refused, even if it is no hour at all (a forged form).
      hour: digestForm.hour,
      hours: [
        { value: '', label: translate(lang, 'profile.digest.defaultHour', { hour: hourLabel(defaultDigestHour) }), selected: digestForm.hour === '' },
        ...Array.from({ length: 24 }, (_, hour) => ({ value: String(hour), label: hourLabel(hour), selected: digestForm.hour === String(hour) })),
        // A refused value that is no hour of the list stays in view next to its message.
        ...(/^(|[0-9]|1[0-9]|2[0-3])$/.test(digestForm.hour) ? [] : [{ value: digestForm.hour, label: digestForm.hour, selected: true }]),
      ],
      rhythms: DIGEST_RHYTHMS.map((value) => ({
        id: `digest-rhythm-${value}`,
        value,
        label: translate(lang, `profile.digest.rhythm.${value}`),
        checked: value === digestForm.rhythm,
      })),
    },
    password: refusal.password ?? {},
    register: { listed: refusal.register?.listed ?? profile.listedInRegister, errors: refusal.register?.errors ?? null },
    erasureRequestedAt: profile.erasureRequestedAt,
  };
}
