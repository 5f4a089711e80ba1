import type { ListItem, Nodes } from 'mdast';
import type { UnitSpec } from '../../domain/unit.js';
import { uniqueSlugs } from '../../domain/slug.js';
import { markdownTree, outermost } from './markdown-tree.js';

const isTask = (node: Nodes): node is ListItem => node.type === 'listItem' && typeof node.checked === 'boolean';

const indentOf = (line: string): number => /^\s*/.exec(line)?.[0].length ?? 0;

/** A line of an item without the quote markers and indentation of what holds the item (a lazy line has none). */
const inItem = (line: string, column: number): string =>
  /^[\s>]*$/.test(line.slice(0, column - 1)) ? line.slice(column - 1) : line;

function dedent(lines: string[]): string {
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map(indentOf));
  return lines.map((l) => l.slice(Math.min(indent, indentOf(l)))).join('\n').trim();
}

/**
 * Units from a Markdown task list (`- [ ] Title`, `1. [x] Title`): the outermost task items are
 * the units, the rest of an item's first line its title and the item's further lines, as written,
 * its description. Items in code blocks, HTML or under another task item do not count.
 * Undefined when there is no task list.
 */
export function parseTaskList(markdown: string): UnitSpec[] | undefined {
  const lines = markdown.split('\n');
  const items = outermost(markdownTree(markdown), isTask).flatMap(({ children, position }) => {
    const title = children[0]?.position?.start; // just past the checkbox
    if (!title || !position) return [];
    return [{
      title: (lines[title.line - 1] ?? '').slice(title.column - 1).trim(),
      description: dedent(lines.slice(title.line, position.end.line).map((line) => inItem(line, position.start.column))),
    }];
  });
  if (items.length === 0) return undefined;

  const slugs = uniqueSlugs(items.map((item) => item.title));
  return items.map((item, i) => ({
    id: slugs[i] ?? '',
    slug: slugs[i] ?? '',
    title: item.title,
    description: item.description,
    dependsOn: [],
  }));
}
