/**
 * Announcements Kontraktservice posts to the Teams channels where the bot is installed: routine
 * updates, courses (date, time, place) and general news. Posted to channels, so read by anyone in
 * them: the content is what the author wrote, never register data.
 */
import { z } from 'zod';
import { isIsoDate } from '../dates.ts';

export const ANNOUNCEMENT_KINDS = ['routine_update', 'course', 'general'] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];

/** Control characters other than line breaks and tabs, and bidi overrides, are refused. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is what it finds
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `mangler ${what}`)
    .max(max, `kan ha høyst ${max} tegn`)
    .refine((s) => !CONTROL.test(s), 'inneholder ugyldige kontrolltegn');

/** An absolute https (or http) address without credentials; anything else (javascript:, data:) is refused. */
const link = z
  .string()
  .trim()
  .max(2000, 'kan ha høyst 2000 tegn')
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'må være en https-adresse');

export const courseSchema = z
  .object({
    date: z.string().refine(isIsoDate, 'må være en dato på formen ÅÅÅÅ-MM-DD'),
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'må være et klokkeslett TT:MM')
      .optional(),
    place: text(200, 'sted'),
  })
  .strict();
export type Course = z.infer<typeof courseSchema>;

export const announcementInputSchema = z
  .object({
    kind: z.enum(ANNOUNCEMENT_KINDS),
    title: text(200, 'tittel'),
    text: text(4000, 'tekst'),
    link: link.nullable().optional(),
    course: courseSchema.nullable().optional(),
    /** Conversation ids of chosen channels; omitted: every channel where the bot is installed. */
    channelIds: z.array(z.string().min(1).max(500)).min(1).max(500).optional(),
    /** The routine an update is about (set by the routines API). */
    routineId: z.string().max(100).nullable().optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.kind === 'course' && !a.course)
      ctx.addIssue({ code: 'custom', path: ['course'], message: 'et kurs må ha dato og sted' });
    if (a.kind !== 'course' && a.course)
      ctx.addIssue({ code: 'custom', path: ['course'], message: 'bare for kurs' });
  });
export type AnnouncementInput = z.infer<typeof announcementInputSchema>;

export interface Announcement {
  readonly id: string;
  readonly kind: AnnouncementKind;
  readonly title: string;
  readonly text: string;
  readonly link: string | null;
  readonly course: Course | null;
  readonly routineId: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
}
