/**
 * Field-by-field comparison of two export documents, for the import round trip: every path where they
 * differ, so a failing test names exactly what an import lost or changed (`conversations[2].messages[0].speaker`)
 * instead of printing two documents of thousands of lines.
 */
export function differences(before: unknown, after: unknown, options: { ignore?: readonly string[] } = {}, path = ''): string[] {
  if (options.ignore?.some((ignored) => matches(ignored, path))) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const found: string[] = [];
    if (before.length !== after.length) found.push(`${path}: ${before.length} items before, ${after.length} after`);
    for (let index = 0; index < Math.min(before.length, after.length); index++) {
      found.push(...differences(before[index], after[index], options, `${path}[${index}]`));
    }
    return found;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => {
      const memberPath = path ? `${path}.${key}` : key;
      if (!(key in after)) return options.ignore?.some((ignored) => matches(ignored, memberPath)) ? [] : [`${memberPath}: missing after`];
      if (!(key in before)) return options.ignore?.some((ignored) => matches(ignored, memberPath)) ? [] : [`${memberPath}: only after`];
      return differences(before[key], after[key], options, memberPath);
    });
  }
  return Object.is(before, after) ? [] : [`${path}: ${JSON.stringify(before)} before, ${JSON.stringify(after)} after`];
}

/** `ignored` names a path, with `[]` for any index: `conversations[].updatedAt`. */
function matches(ignored: string, path: string): boolean {
  return path.replace(/\[\d+\]/g, '[]') === ignored;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
