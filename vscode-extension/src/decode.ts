// Finding the encoded authorization failure message to decode: in the selection, or around the
// cursor. Pure logic, unit-tested under plain Node.

/** What AWS prints before the blob. */
const LEAD_IN = /encoded authorization failure message:\s*/i;

/** Characters of an encoded message. */
const BLOB_CHAR = /[A-Za-z0-9_-]/;

/** The shortest run of blob characters taken for an encoded message (real ones are far longer). */
export const MIN_BLOB_LENGTH = 40;

/** STS rejects longer messages. */
export const MAX_BLOB_LENGTH = 10240;

/**
 * The encoded message in `text` (a selection): the text after "Encoded authorization failure
 * message:" when present, else the longest run of blob characters. Quotes, whitespace, line
 * breaks and a trailing period are ignored. Undefined when nothing long enough is there.
 */
export function blobInText(text: string): string | undefined {
  const lead = LEAD_IN.exec(text);
  const rest = lead ? text.slice(lead.index + lead[0].length) : text;
  let best = "";
  for (const run of rest.match(/[A-Za-z0-9_-]+/g) ?? []) {
    if (lead) {
      // After the lead-in the first run is the message.
      best = run;
      break;
    }
    if (run.length > best.length) {
      best = run;
    }
  }
  return best.length >= MIN_BLOB_LENGTH && best.length <= MAX_BLOB_LENGTH ? best : undefined;
}

/** The run of blob characters around `column` (UTF-16 index) of `line`, if long enough. */
export function blobAt(line: string, column: number): string | undefined {
  let start = Math.min(Math.max(column, 0), line.length);
  let end = start;
  while (start > 0 && BLOB_CHAR.test(line[start - 1])) {
    start--;
  }
  while (end < line.length && BLOB_CHAR.test(line[end])) {
    end++;
  }
  const run = line.slice(start, end);
  return run.length >= MIN_BLOB_LENGTH && run.length <= MAX_BLOB_LENGTH ? run : undefined;
}
