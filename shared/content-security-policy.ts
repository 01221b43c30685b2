// The window's Content-Security-Policy, the same wherever the page is served: Electron's app://
// protocol and the headless status server send it as a header; the build repeats it in a <meta>.
const META_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** For a <meta> tag: frame-ancestors is header-only (browsers ignore it, with a console error, in a <meta>). */
export const CONTENT_SECURITY_POLICY_META = META_DIRECTIVES.join('; ');

/** For the Content-Security-Policy header. */
export const CONTENT_SECURITY_POLICY = [...META_DIRECTIVES, "frame-ancestors 'none'"].join('; ');
