import type { UnitSpec } from '../../domain/unit.js';
import { uniqueSlugs } from '../../domain/slug.js';
import { findFences } from './fences.js';

const TASK = /^(\s*)[-*+]\s+\[[ xX]\]\s+(.*\S)\s*$/;

const indentOf = (line: string): number => /^\s*/.exec(line)?.[0].length ?? 0;

function dedent(lines: string[]): string {
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map(indentOf));
  return lines.map((l) => l.slice(Math.min(indent, indentOf(l)))).join('\n').trim();
}

/**
 * Units from a Markdown task list (`- [ ] Title`, `* [x] Title`): the outermost items are the
 * units, and the lines indented under an item are its description. Items in code blocks do not
 * count. Undefined when there is no task list.
 */
export function parseTaskList(markdown: string): UnitSpec[] | undefined {
  const lines = markdown.split('\n');
  const inCode = new Set<number>();
  for (const fence of findFences(lines)) for (let i = fence.open; i <= fence.end; i++) inCode.add(i);

  const taskIndents = lines.flatMap((line, i) => {
    const match = inCode.has(i) ? null : TASK.exec(line);
    return match ? [match[1]?.length ?? 0] : [];
  });
  if (taskIndents.length === 0) return undefined;
  const outer = Math.min(...taskIndents);

  const items: { title: string; body: string[] }[] = [];
  let current: { title: string; body: string[] } | undefined;
  for (const [i, line] of lines.entries()) {
    const task = inCode.has(i) ? null : TASK.exec(line);
    if (task && (task[1]?.length ?? 0) === outer) {
      current = { title: task[2] ?? '', body: [] };
      items.push(current);
    } else if (current && (line.trim() === '' || indentOf(line) > outer)) {
      current.body.push(line);
    } else {
      current = undefined;
    }
  }

  const slugs = uniqueSlugs(items.map((item) => item.title));
  return items.map((item, i) => ({
    id: slugs[i] ?? '',
    slug: slugs[i] ?? '',
    title: item.title,
    description: dedent(item.body),
    dependsOn: [],
  }));
}
