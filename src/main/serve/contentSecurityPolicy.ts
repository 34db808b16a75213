/**
 * The renderer's Content Security Policy, shared by serve mode (an HTTP header) and the desktop app (a session
 * header). No inline or remote script, no eval, connections only to where the page came from.
 * Inline styles stay allowed: recharts positions its SVG tooltips with style attributes.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
