/**
 * The card Kontraktservice's announcements are posted with to Teams channels (routine updates,
 * courses, general news). Everyone in a channel reads it, so it carries only the announcement
 * (written for the channel) — never register data — and no user-specific refresh. The author's
 * text goes only into `TextRun`s (never rendered as markdown), so `**x**`, `[x](javascript:…)`
 * or `<script>` stay literal text; the link is an http(s) address checked when the announcement
 * was created, and checked again here.
 */
import type { Announcement, AnnouncementKind } from '../core/followup/announcement.ts';
import type { Lang } from './i18n.ts';
import { type AdaptiveCardJson, clip, clipMultiline, expand } from './render.ts';
import template from './templates/announcement.json' with { type: 'json' };

const TEXTS = {
  nb: {
    kind: { routine_update: 'Oppdatert rutine', course: 'Kurs', general: 'Kunngjøring' },
    date: 'Dato',
    time: 'Klokkeslett',
    place: 'Sted',
    readMore: 'Les mer',
    from: 'Fra Kontraktservice',
  },
  nn: {
    kind: { routine_update: 'Oppdatert rutine', course: 'Kurs', general: 'Kunngjering' },
    date: 'Dato',
    time: 'Klokkeslett',
    place: 'Stad',
    readMore: 'Les meir',
    from: 'Frå Kontraktservice',
  },
  en: {
    kind: { routine_update: 'Routine update', course: 'Course', general: 'Announcement' },
    date: 'Date',
    time: 'Time',
    place: 'Place',
    readMore: 'Read more',
    from: 'From Kontraktservice',
  },
} satisfies Record<
  Lang,
  {
    kind: Record<AnnouncementKind, string>;
    date: string;
    time: string;
    place: string;
    readMore: string;
    from: string;
  }
>;

const STYLE: Record<AnnouncementKind, string> = {
  routine_update: 'emphasis',
  course: 'accent',
  general: 'default',
};

const formatDate = (iso: string, lang: Lang) =>
  lang === 'en' ? iso : `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

const safeLink = (link: string | null): string | null => {
  if (!link) return null;
  try {
    const u = new URL(link);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
};

/** The channel card of an announcement in `lang` (the channel's locale). */
export function announcementCard(a: Announcement, lang: Lang): AdaptiveCardJson {
  const t = TEXTS[lang];
  const details: { name: string; value: string }[] = [];
  if (a.course) {
    details.push({ name: t.date, value: formatDate(a.course.date, lang) });
    if (a.course.time) details.push({ name: t.time, value: a.course.time });
    details.push({ name: t.place, value: clip(a.course.place, 200) });
  }
  const paragraphs = clipMultiline(a.text, 4000)
    .split(/\n{2,}/)
    .map((p) => ({ text: p }))
    .slice(0, 40);
  const link = safeLink(a.link);
  return expand(template, {
    fallbackText: clip(`${t.kind[a.kind]}: ${a.title}`, 300),
    style: STYLE[a.kind],
    label: t.kind[a.kind],
    title: clip(a.title, 200),
    details,
    paragraphs,
    from: t.from,
    links: link ? [{ title: t.readMore, url: link }] : [],
  });
}
