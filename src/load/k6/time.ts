/**
 * Go's RFC 3339 with nanoseconds, as k6 writes `data.time`:
 * "2024-05-01T10:00:00.123456789+02:00", "…Z", trailing fraction zeros trimmed, fraction
 * absent on a whole second. Returns epoch milliseconds with microsecond precision.
 * Date.parse runs once per distinct second and zone (cached); the fraction is parsed by hand.
 */
export class K6TimeParser {
  private cachedSecond = '';
  private cachedZone = '';
  private cachedEpochMs = 0;

  /** `text` is the timestamp without quotes; NaN when it is not a timestamp. */
  parse(text: string): number {
    if (text.length < 20) return Number.NaN;
    let index = 19;
    let fractionMs = 0;
    if (text.charCodeAt(19) === 46 /* . */) {
      index = 20;
      let micro = 0;
      let digits = 0;
      for (; index < text.length; index++) {
        const digit = text.charCodeAt(index) - 48;
        if (digit < 0 || digit > 9) break;
        if (digits < 6) {
          micro = micro * 10 + digit;
          digits++;
        }
      }
      for (; digits < 6; digits++) micro *= 10;
      fractionMs = micro / 1000;
    }
    const zoneStart = index;
    if (
      text.length - zoneStart !== this.cachedZone.length ||
      !text.startsWith(this.cachedSecond) ||
      !text.endsWith(this.cachedZone)
    ) {
      const second = text.slice(0, 19);
      const zone = text.slice(zoneStart);
      const epochMs = Date.parse(second + zone);
      if (Number.isNaN(epochMs)) return Number.NaN;
      this.cachedSecond = second;
      this.cachedZone = zone;
      this.cachedEpochMs = epochMs;
    }
    return this.cachedEpochMs + fractionMs;
  }
}
