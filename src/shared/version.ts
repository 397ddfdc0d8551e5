/** Mailtrail's version, recorded in every case, report and package (kept equal to package.json by a test). */
export const MAILTRAIL_VERSION = '0.1.0';
