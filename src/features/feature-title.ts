/** The feature's title: the spec's first Markdown heading, else its first non-empty line. */
export function featureTitle(specText: string): string {
  const lines = specText.split(/\r?\n/).map((l) => l.trim());
  const heading = lines.find((l) => /^#{1,6}\s+\S/.test(l));
  const title = heading ? heading.replace(/^#{1,6}\s+/, '') : (lines.find((l) => l !== '') ?? 'feature');
  return title.length > 100 ? `${title.slice(0, 97)}...` : title;
}
