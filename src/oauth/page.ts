import css from './sign-in.css?raw';
import errorTemplate from './error.html?raw';
import layout from './page.html?raw';
import template from './sign-in.html?raw';

/** The sign-in page: its HTML and styles are files beside this one, inlined at build time. */

export const SIGN_IN_CSS = css;

export type Language = 'tr' | 'en';

const WORDS = {
  en: {
    title: 'Sign in to iletiMerkezi',
    asks: (client: string) => `${client} asks to read your iletiMerkezi SMS reports, recipients, inbox and balance.`,
    returns: (host: string) => `After you sign in you go back to ${host}.`,
    keyLabel: 'API key',
    hashLabel: 'API hash',
    where: 'Find both at panel.iletimerkezi.com → Settings → Security → API Access.',
    allow: 'Allow',
    deny: 'Deny',
    note: 'Nothing is sent as SMS. The key and hash are stored encrypted and used only to read your account.',
    refused: (reason: string) => `iletiMerkezi refused this key and hash: ${reason}`,
    missing: 'Enter both the API key and the API hash.',
    unavailable: 'iletiMerkezi could not be reached to check the key and hash. Try again in a minute.',
    expired: 'This sign-in page has expired. Go back to the app and connect again.',
    cannot: 'Cannot sign in',
  },
  tr: {
    title: 'iletiMerkezi ile giriş yapın',
    asks: (client: string) => `${client}, iletiMerkezi SMS raporlarınızı, alıcılarınızı, gelen kutunuzu ve bakiyenizi okumak istiyor.`,
    returns: (host: string) => `Giriş yaptıktan sonra ${host} adresine döneceksiniz.`,
    keyLabel: 'API anahtarı',
    hashLabel: 'API hash',
    where: 'İkisini de panel.iletimerkezi.com → Ayarlar → Güvenlik → API Erişimi sayfasında bulabilirsiniz.',
    allow: 'İzin ver',
    deny: 'Reddet',
    note: 'Hiçbir SMS gönderilmez. Anahtar ve hash şifrelenmiş olarak saklanır ve yalnızca hesabınızı okumak için kullanılır.',
    refused: (reason: string) => `iletiMerkezi bu anahtarı ve hash'i kabul etmedi: ${reason}`,
    missing: 'API anahtarını ve API hash\'ini girin.',
    unavailable: 'Anahtarı ve hash\'i denetlemek için iletiMerkezi\'ye ulaşılamadı. Bir dakika sonra yeniden deneyin.',
    expired: 'Bu giriş sayfasının süresi doldu. Uygulamaya dönüp yeniden bağlanın.',
    cannot: 'Giriş yapılamıyor',
  },
} as const;

export type Words = (typeof WORDS)[Language];

/** Turkish when the browser ranks Turkish above English (Accept-Language, with its q values), English otherwise. */
export function languageOf(acceptLanguage: string | undefined): Language {
  let best: { language: Language; q: number } = { language: 'en', q: -1 };
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...parameters] = part.trim().toLowerCase().split(';');
    const q = Number(parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined) ?? '1');
    const language = tag.startsWith('tr') ? 'tr' : tag.startsWith('en') || tag === '*' ? 'en' : undefined;
    if (language && Number.isFinite(q) && q > best.q) best = { language, q };
  }
  return best.language;
}

export function wordsOf(language: Language): Words {
  return WORDS[language];
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

/** Every value is escaped before it gets here. */
const fill = (html: string, values: Record<string, string>) => html.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');

/** One page of the sign-in mode: the shared head (language, title, stylesheet, no referrer) around its own main part. */
const page = (main: string, values: Record<string, string>) => fill(layout, { ...values, main: fill(main, values).trimEnd() });

export interface PageContent {
  language: Language;
  clientName: string;
  returnHost: string;
  /** The sealed authorization request the form posts back. */
  request: string;
  /** The key as typed, shown again after a refusal; the hash never is. */
  key?: string;
  problem?: string;
}

export function signInPage(content: PageContent): string {
  const words = wordsOf(content.language);
  const values: Record<string, string> = {
    lang: content.language,
    title: escape(words.title),
    asks: escape(words.asks(content.clientName)),
    returns: escape(words.returns(content.returnHost)),
    problem: content.problem ? `<p class="problem" role="alert">${escape(content.problem)}</p>` : '',
    request: escape(content.request),
    keyLabel: escape(words.keyLabel),
    hashLabel: escape(words.hashLabel),
    key: escape(content.key ?? ''),
    where: escape(words.where),
    allow: escape(words.allow),
    deny: escape(words.deny),
    note: escape(words.note),
  };
  return page(template, values);
}

/** A page that says what went wrong and sends nobody anywhere: an unknown client, a redirect that is not the client's. */
export function errorPage(language: Language, message: string): string {
  return page(errorTemplate, { lang: language, title: escape(wordsOf(language).cannot), problem: escape(message) });
}
