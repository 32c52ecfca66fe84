/** The RestoreDrill's defaults, apart from its contract so that its messages can name them too. */

/** Default of `minKeys`: a restore that brings back an empty datastore is not a restore. */
export const DEFAULT_MIN_KEYS = 1;
