// The window's language: the configuration's `locale` when the agent reports one, else the
// languages the desktop app handed over (its OS's, in the page's `lang` query), else the browser's.
// Components read the Translator from context; <Message> puts elements (a command in <code>, an
// ID) inside a translated sentence, wherever that language places them.
import { createContext, Fragment, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo } from 'preact/hooks';
import { english, type MessageKey, type MessageParams, type Translator } from '../shared/i18n/translator.js';
import { translatorFor } from '../shared/i18n/languages.js';

export const I18n = createContext<Translator>(english);

export function useI18n(): Translator {
  return useContext(I18n);
}

/** The languages the desktop app passed in the URL (`?lang=de-DE,de`), if any. */
export function languagesFromUrl(search: string): string[] {
  const list = new URLSearchParams(search).get('lang') ?? '';
  return list.split(',').filter((tag) => tag.trim() !== '');
}

/** The page's translator: the configured locale, else the desktop app's languages, else the browser's. */
export function pageTranslator(configured: string | null | undefined): Translator {
  return translatorFor(
    configured ? [configured] : [...languagesFromUrl(window.location.search), ...(navigator.languages ?? [])],
  );
}

/** pageTranslator, with the document's `lang` and `dir` kept in step. */
export function useTranslator(configured: string | null | undefined): Translator {
  const translator = useMemo(() => pageTranslator(configured), [configured]);
  // The document says its language and direction, for screen readers, fonts, and the mirrored layout.
  useEffect(() => {
    document.documentElement.lang = translator.lang;
    document.documentElement.dir = translator.dir;
  }, [translator]);
  return translator;
}

const PART = '\uE000';

/** A message with elements in it: `parts` fill the placeholders of the same names. */
export function Message({
  id,
  params = {},
  parts,
}: {
  id: MessageKey;
  params?: MessageParams;
  parts: Record<string, ComponentChildren>;
}) {
  const { t } = useI18n();
  const markers = Object.fromEntries(Object.keys(parts).map((name) => [name, `${PART}${name}${PART}`]));
  const pieces = t(id, { ...params, ...markers }).split(PART);
  // Odd pieces are part names: "a {b} c" -> ["a ", "b", " c"].
  return (
    <>{pieces.map((piece, index) => (index % 2 === 1 ? <Fragment key={index}>{parts[piece]}</Fragment> : piece))}</>
  );
}
