/** `SCAN … MATCH`'s glob patterns, matched as Redis 7.2 matches them. */

/**
 * Redis's glob match (util.c stringmatchlen, 7.2): `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes, on
 * bytes; as in C, bytes from 128 compare as negative numbers in `[a-z]` ranges.
 */
export function globMatch(pattern: string, text: string): boolean {
  const skipLonger = { value: false };
  return matchFrom(pattern, 0, text, 0, skipLonger);
}

function signedByte(char: string | undefined): number {
  const code = char === undefined ? 0 : char.charCodeAt(0);
  return code >= 128 ? code - 256 : code;
}

function matchFrom(
  pattern: string,
  p0: number,
  text: string,
  s0: number,
  skipLonger: { value: boolean },
): boolean {
  let p = p0;
  let s = s0;
  while (p < pattern.length && s < text.length) {
    switch (pattern[p]) {
      case "*": {
        while (p < pattern.length && pattern[p + 1] === "*") p++;
        if (pattern.length - p === 1) return true;
        while (s < text.length) {
          if (matchFrom(pattern, p + 1, text, s, skipLonger)) return true;
          if (skipLonger.value) return false;
          s++;
        }
        skipLonger.value = true;
        return false;
      }
      case "?":
        s++;
        break;
      case "[": {
        p++;
        const negate = pattern[p] === "^";
        if (negate) p++;
        let match = false;
        for (;;) {
          const left = pattern.length - p;
          if (pattern[p] === "\\" && left >= 2) {
            p++;
            if (pattern[p] === text[s]) match = true;
          } else if (pattern[p] === "]") {
            break;
          } else if (left === 0) {
            p--;
            break;
          } else if (left >= 3 && pattern[p + 1] === "-") {
            let start = signedByte(pattern[p]);
            let end = signedByte(pattern[p + 2]);
            if (start > end) [start, end] = [end, start];
            const char = signedByte(text[s]);
            p += 2;
            if (char >= start && char <= end) match = true;
          } else if (pattern[p] === text[s]) {
            match = true;
          }
          p++;
        }
        if (negate) match = !match;
        if (!match) return false;
        s++;
        break;
      }
      case "\\":
        if (pattern.length - p >= 2) p++;
        if (pattern[p] !== text[s]) return false;
        s++;
        break;
      default:
        if (pattern[p] !== text[s]) return false;
        s++;
    }
    p++;
    if (s === text.length) {
      while (pattern[p] === "*") p++;
      break;
    }
  }
  return p >= pattern.length && s === text.length;
}
