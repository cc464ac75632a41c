/** orca's version, as the API, the CLI and workers report it. */
export const VERSION = '0.1.0';
