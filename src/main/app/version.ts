/** Kept in step with package.json by the release script; shown in `app.info` and `malt --version`. */
export const workbenchVersion = '0.1.0'
