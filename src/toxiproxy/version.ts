/**
 * The version answered at GET /version. Semver with build metadata: tools comparing
 * versions see Toxiproxy 2.12.0 (build metadata does not count in precedence, unlike a
 * `-rebound` pre-release tag, which would sort below 2.12.0); people see it is Rebound's.
 */
export const TOXIPROXY_VERSION = '2.12.0+rebound';
