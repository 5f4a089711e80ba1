import type { Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';

/** The syntax tree of a spec: CommonMark plus GFM task list items (`checked` set on a list item). */
export function markdownTree(markdown: string): Nodes {
  return fromMarkdown(markdown, { extensions: [gfmTaskListItem()], mdastExtensions: [gfmTaskListItemFromMarkdown()] });
}

/** The nodes that match, in document order; the inside of a matching node is not searched. */
export function outermost<T extends Nodes>(node: Nodes, match: (node: Nodes) => node is T): T[] {
  if (match(node)) return [node];
  return 'children' in node ? node.children.flatMap((child) => outermost(child, match)) : [];
}
