// The page's language: messages from the JSON catalogue the server inlined in the page
// (transport/i18n.py builds it from the same .po files as the server's translations).
//
// Conventions (make i18n extracts them):
//   _("Plain message with {name}", { name })       a message; `{name}` filled in as text
//   ngettext("{n} person", "{n} people", n)        CLDR plural forms, chosen by Intl.PluralRules
//   say({ key, params })                           a message the server sent as a key (N_)
// A message is always one whole sentence in the source, never glued from pieces: word order
// differs between languages.

// Outside a page (modules tested in Node) there is no catalogue: the messages stay English.
const page = typeof document === "undefined" ? null : document;
const element = page && page.getElementById("attune-i18n");
const catalogue = element ? JSON.parse(element.textContent) : {};

/** The page's language (BCP 47), e.g. "de"; and its direction, "ltr" or "rtl". */
export const locale = catalogue.locale || (page && page.documentElement.lang) || "en";
export const direction = catalogue.dir || "ltr";

const messages = catalogue.messages || {};
const plurals = new Intl.PluralRules(locale);
const numbers = new Intl.NumberFormat(locale);

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** `message` in the page's language, `{name}` placeholders filled from `params`. */
export function _(message, params) {
  const text = messages[message];
  return fill(typeof text === "string" ? text : message, params);
}

/**
 * The plural form of a message for `count`, by the language's CLDR rules; `{n}` is the count
 * formatted for the language, other placeholders come from `params`.
 */
export function ngettext(singular, plural, count, params = {}) {
  const forms = messages[singular];
  const category = plurals.select(count);
  let text;
  if (forms && typeof forms === "object") text = forms[category] ?? forms.other;
  else text = new Intl.PluralRules("en").select(count) === "one" ? singular : plural;
  return fill(text, { n: formatNumber(count), ...params });
}

/**
 * A message the server sent as `{ key, params }` (or an English text from an older server),
 * in the page's language.
 */
export function say(message) {
  if (message === null || message === undefined) return "";
  if (typeof message === "string") return _(message);
  return _(String(message.key ?? ""), message.params);
}

/** A number written the language's way (digits, separators). */
export function formatNumber(value, options) {
  return options ? new Intl.NumberFormat(locale, options).format(value) : numbers.format(value);
}

const workshopHolder = page && page.querySelector("[data-workshop-lang]");
/**
 * The attributes of an element that shows the workshop's own words (titles, questions,
 * options, labels): its language and direction, which may differ from the page's. The page
 * names them on the element that holds it (`data-workshop-lang`, `data-workshop-dir`).
 */
export const workshopLanguage = workshopHolder
  ? { lang: workshopHolder.dataset.workshopLang, dir: workshopHolder.dataset.workshopDir }
  : {};
