/** Greedy word wrap to `width` columns; a word longer than the width is split. Never returns an empty list. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    while (word.length > width) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Wraps a list of pieces joined by `sep` (e.g. legs joined by " / "), breaking only between pieces. */
export function wrapPieces(pieces: string[], sep: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    const next = line ? `${line}${sep}${piece}` : piece;
    if (line && next.length > width) {
      lines.push(`${line}${sep.trimEnd()}`);
      line = piece;
    } else line = next;
  }
  lines.push(line);
  return lines;
}
