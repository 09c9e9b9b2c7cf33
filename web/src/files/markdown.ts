// Markdown files shown as formatted text. `marked` turns Markdown into HTML and DOMPurify keeps only
// the handful of tags and attributes that formatting needs, so a file (which the companion may have
// written from anything it read) can never run script or load anything. Nothing inline survives
// either (no `style`, no event handlers), which the strict Content-Security-Policy would refuse.
// Both libraries load on first use, so the rest of the app does not carry them.

/** Turns Markdown into sanitized nodes, ready to be placed in the page. */
export type MarkdownRenderer = (source: string) => DocumentFragment;

let renderer: Promise<MarkdownRenderer> | undefined;

export function loadMarkdownRenderer(): Promise<MarkdownRenderer> {
  renderer ??= createRenderer();
  return renderer;
}

/** What formatted text needs; images are left out, since they would fetch from anywhere the file names. */
const allowedTags = [
  'p',
  'br',
  'hr',
  'h3',
  'h4',
  'h5',
  'h6',
  'em',
  'strong',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];

async function createRenderer(): Promise<MarkdownRenderer> {
  const [{ Marked }, { default: createPurifier }] = await Promise.all([import('marked'), import('dompurify')]);
  const marked = new Marked({ gfm: true, async: false });
  marked.use({
    // The file's name is the page's second-level heading, so the file's own headings start below it.
    walkTokens(token) {
      if (token.type === 'heading') token.depth = Math.min(6, token.depth + 2);
    },
    renderer: {
      // Task lists as characters: an unlabelled, disabled checkbox helps nobody using a screen reader.
      checkbox: ({ checked }) => (checked ? '☑ ' : '☐ '),
    },
  });
  // An instance of its own, so the link hook below applies only here.
  const purifier = createPurifier(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      // Links leave the app in a new tab, and tell the site nothing about where they came from.
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  return (source) =>
    purifier.sanitize(marked.parse(source, { async: false }), {
      ALLOWED_TAGS: allowedTags,
      ALLOWED_ATTR: ['href', 'title', 'start', 'align'],
      ALLOW_DATA_ATTR: false,
      RETURN_DOM_FRAGMENT: true,
    });
}
