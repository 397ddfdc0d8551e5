/**
 * A thin layout layer over pdfkit for the report: A4 pages with a header (case number) and footer
 * (page X of Y), headings registered in a contents page and the PDF outline, paragraphs,
 * key/value blocks and paginated tables whose header row repeats on every page.
 *
 * Determinism: fonts come from `resources/fonts`, document dates are given by the caller (the
 * journal head), and the PDF file ID is the SHA-256 of every string and number laid out, so the
 * same content always produces the same bytes.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import { fontPaths, type FontRole } from './fonts';

/** Page and header/footer texts of a report document. */
export interface ReportDocOptions {
  title: string;
  author: string;
  subject: string;
  keywords: string;
  creator: string;
  /** Document creation/modification date (the journal head's time). */
  date: Date;
  headerLeft: string;
  headerRight: string;
  footerLeft: string;
}

/** A table column. */
export interface Column {
  header: string;
  /** Width in points. */
  width: number;
  font?: FontRole;
  align?: 'left' | 'right';
}

/** A table row: its cells and an optional full-width detail line under them. */
export interface Row {
  cells: string[];
  detail?: string | undefined;
  /** Draws a coloured marker in the left gutter (e.g. tagged events). */
  mark?: string | undefined;
}

/** Table options. */
export interface TableOptions {
  size?: number;
  /** Cap on lines per cell (longer text ends with an ellipsis). */
  maxLines?: number;
  /** Cap on lines of the detail line. */
  maxDetailLines?: number;
  /** Font of the detail line (default italic). */
  detailFont?: FontRole;
}

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 62, bottom: 58, left: 48, right: 48 };
const COLORS = { text: '#111111', muted: '#555555', rule: '#999999', zebra: '#f2f2f2', head: '#e2e6ea' };
// Control characters would be dropped or drawn as boxes; tabs become spaces.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Makes text safe to lay out: no control characters, `\r\n` as `\n`. */
export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL, '\uFFFD');
}

/** One line for a table cell (newlines shown as a return symbol). */
export function oneLine(s: string): string {
  return cleanText(s).replace(/\n+/g, ' \u21B5 ');
}

/** The report document. */
export class ReportDoc {
  readonly doc: PDFKit.PDFDocument;
  readonly left = MARGIN.left;
  readonly width = PAGE.width - MARGIN.left - MARGIN.right;
  readonly bottom = PAGE.height - MARGIN.bottom;
  private readonly content = createHash('sha256');
  private readonly contents: { title: string; level: number; page: number }[] = [];
  private contentsPage = -1;
  private readonly sink: ReturnType<typeof createWriteStream>;

  constructor(
    out: string,
    private readonly options: ReportDocOptions,
  ) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: MARGIN,
      bufferPages: true,
      autoFirstPage: false,
      compress: true,
      pdfVersion: '1.7',
      lang: 'en',
      displayTitle: true,
      info: {
        Title: options.title,
        Author: options.author,
        Subject: options.subject,
        Keywords: options.keywords,
        Creator: options.creator,
        Producer: 'PDFKit',
        CreationDate: options.date,
        ModDate: options.date,
      },
    });
    for (const [role, path] of Object.entries(fontPaths())) this.doc.registerFont(role, path);
    this.sink = createWriteStream(out);
    this.doc.pipe(this.sink);
    this.track(options.title, options.headerLeft, options.headerRight, options.footerLeft, options.date.toISOString());
  }

  /** Feeds laid-out content into the hash that becomes the PDF ID. */
  private track(...parts: (string | number)[]): void {
    for (const p of parts) this.content.update(`${p}\u0000`);
  }

  get y(): number {
    return this.doc.y;
  }

  set y(v: number) {
    this.doc.y = v;
  }

  /** Selects a font role, size and colour. */
  font(role: FontRole, size: number, color = COLORS.text): this {
    this.doc.font(role).fontSize(size).fillColor(color);
    return this;
  }

  /** Starts a new page. */
  addPage(): this {
    this.doc.addPage();
    return this;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): this {
    if (this.doc.y + height > this.bottom) this.addPage();
    return this;
  }

  /** Reserves the current page for the contents list (filled in by {@link end}). */
  reserveContentsPage(): void {
    this.addPage();
    this.contentsPage = this.doc.bufferedPageRange().count - 1;
  }

  /** A section heading: level 1 opens a numbered section in the contents and the outline. */
  heading(text: string, level: 1 | 2 | 3 = 1): this {
    const size = level === 1 ? 15 : level === 2 ? 11.5 : 10;
    this.ensure(level === 1 ? 130 : 70);
    if (this.doc.y > MARGIN.top + 1) this.doc.moveDown(level === 1 ? 0.8 : 0.5);
    this.track('h', level, text);
    if (level < 3) {
      this.contents.push({ title: text, level, page: this.doc.bufferedPageRange().count });
      if (level === 1) this.doc.outline.addItem(text);
    }
    this.font('bold', size).doc.text(cleanText(text), this.left, this.doc.y, { width: this.width });
    if (level === 1) {
      const y = this.doc.y + 2;
      this.doc
        .moveTo(this.left, y)
        .lineTo(this.left + this.width, y)
        .lineWidth(0.8)
        .strokeColor(COLORS.rule)
        .stroke();
      this.doc.y = y + 6;
    } else {
      this.doc.y += 3;
    }
    return this.font('sans', 9);
  }

  /** A paragraph. */
  para(text: string, options: { font?: FontRole; size?: number; color?: string; gap?: number } = {}): this {
    this.track('p', text);
    this.font(options.font ?? 'sans', options.size ?? 9, options.color ?? COLORS.text);
    this.doc.text(cleanText(text), this.left, this.doc.y, { width: this.width, lineGap: 1.5 });
    this.doc.y += options.gap ?? 4;
    return this;
  }

  /** A muted note in italics. */
  note(text: string): this {
    return this.para(text, { font: 'italic', size: 8.5, color: COLORS.muted });
  }

  /** A bullet list. */
  bullets(items: string[], size = 9): this {
    for (const item of items) {
      this.track('li', item);
      this.font('sans', size);
      const h = this.doc.heightOfString(cleanText(item), { width: this.width - 14 });
      this.ensure(Math.min(h, 40) + 2);
      const y = this.doc.y;
      this.doc.text('\u2022', this.left + 2, y, { width: 10, lineBreak: false });
      this.doc.text(cleanText(item), this.left + 14, y, { width: this.width - 14, lineGap: 1 });
      this.doc.y += 2;
    }
    return this;
  }

  /** Label/value rows; `mono` values use the monospaced font (hashes, ids). */
  keyValues(rows: [string, string, { mono?: boolean }?][], keyWidth = 130, size = 9): this {
    for (const [key, value, opts] of rows) {
      this.track('kv', key, value);
      const valueFont: FontRole = opts?.mono ? 'mono' : 'sans';
      this.font(valueFont, opts?.mono ? size - 0.5 : size);
      const h = Math.max(this.doc.heightOfString(cleanText(value) || ' ', { width: this.width - keyWidth }), size + 2);
      this.ensure(h + 3);
      const y = this.doc.y;
      this.font('bold', size, COLORS.muted).doc.text(cleanText(key), this.left, y, { width: keyWidth - 8 });
      this.font(valueFont, opts?.mono ? size - 0.5 : size).doc.text(cleanText(value) || '\u2014', this.left + keyWidth, y, {
        width: this.width - keyWidth,
      });
      this.doc.y = Math.max(this.doc.y, y + h) + 3;
    }
    return this;
  }

  /** Scales column widths so they fill the text width. */
  fit(columns: Column[]): Column[] {
    const total = columns.reduce((s, c) => s + c.width, 0);
    return columns.map((c) => ({ ...c, width: (c.width / total) * this.width }));
  }

  private tableHeader(columns: Column[], size: number): void {
    const pad = 3;
    this.font('bold', size);
    const h = Math.max(...columns.map((c) => this.doc.heightOfString(c.header, { width: c.width - 2 * pad }))) + 2 * pad;
    const y = this.doc.y;
    this.doc.rect(this.left, y, this.width, h).fill(COLORS.head);
    let x = this.left;
    for (const c of columns) {
      this.font('bold', size).doc.text(c.header, x + pad, y + pad, { width: c.width - 2 * pad, align: c.align ?? 'left' });
      x += c.width;
    }
    this.doc.y = y + h;
  }

  /**
   * A table whose header repeats after every page break. Rows may be any iterable (a generator
   * over a database cursor), so thousands of rows never sit in memory at once.
   */
  table(columns: Column[], rows: Iterable<Row>, options: TableOptions = {}): number {
    const size = options.size ?? 7.5;
    const maxLines = options.maxLines ?? 6;
    const maxDetailLines = options.maxDetailLines ?? 8;
    const detailFont = options.detailFont ?? 'italic';
    const pad = 3;
    const lineHeight = size * 1.18;
    const detailSize = size - 0.5;
    const detailLineHeight = detailSize * 1.18;
    this.track('table', ...columns.map((c) => c.header));
    // Room for the header and a first row, so a table never starts on the last line of a page.
    this.ensure(60);
    this.tableHeader(columns, size);
    let n = 0;
    for (const row of rows) {
      this.track('tr', ...row.cells, row.detail ?? '');
      const texts = row.cells.map((c) => oneLine(c) || '\u2014');
      const heights = texts.map((t, i) => {
        const col = columns[i]!;
        this.font(col.font ?? 'sans', size);
        const w = col.width - 2 * pad;
        // Most cells fit on one line; measuring the width first avoids the line wrapper.
        const lines = this.doc.widthOfString(t) <= w ? 1 : Math.ceil(this.doc.heightOfString(t, { width: w }) / lineHeight - 0.01);
        return Math.min(lines, maxLines) * lineHeight;
      });
      let h = Math.max(...heights) + 2 * pad;
      let detailHeight = 0;
      const detail = row.detail ? cleanText(row.detail) : '';
      if (detail) {
        this.font(detailFont, detailSize);
        const lines = Math.ceil(this.doc.heightOfString(detail, { width: this.width - 2 * pad - 12 }) / detailLineHeight - 0.01);
        detailHeight = Math.min(lines, maxDetailLines) * detailLineHeight + pad;
        h += detailHeight;
      }
      if (this.doc.y + h > this.bottom) {
        this.addPage();
        this.tableHeader(columns, size);
      }
      const y = this.doc.y;
      if (n % 2 === 1) this.doc.rect(this.left, y, this.width, h).fill(COLORS.zebra);
      if (row.mark) this.doc.rect(this.left - 5, y + 1, 3, h - 2).fill(row.mark);
      let x = this.left;
      texts.forEach((t, i) => {
        const col = columns[i]!;
        this.font(col.font ?? 'sans', size).doc.text(t, x + pad, y + pad, {
          width: col.width - 2 * pad,
          height: heights[i]! + 0.5,
          ellipsis: true,
          align: col.align ?? 'left',
          lineGap: lineHeight - this.doc.currentLineHeight(),
        });
        x += col.width;
      });
      if (detail) {
        this.font(detailFont, detailSize, COLORS.muted).doc.text(detail, this.left + pad + 12, y + h - detailHeight, {
          width: this.width - 2 * pad - 12,
          height: detailHeight - pad + 0.5,
          ellipsis: true,
          lineGap: detailLineHeight - this.doc.currentLineHeight(),
        });
      }
      this.doc.y = y + h;
      n++;
    }
    if (n === 0) {
      this.font('italic', size, COLORS.muted).doc.text('(none)', this.left + pad, this.doc.y + pad, { width: this.width });
    }
    this.doc.y += 8;
    this.font('sans', 9);
    return n;
  }

  /** Records numbers drawn as graphics (charts) in the content hash. */
  trackGraphic(...values: (string | number)[]): void {
    this.track('g', ...values);
  }

  private decorate(): void {
    const { count } = this.doc.bufferedPageRange();
    for (let i = 0; i < count; i++) {
      this.doc.switchToPage(i);
      const margins = this.doc.page.margins;
      const bottom = margins.bottom;
      // Drawing inside the margins must not trigger pdfkit's automatic page break.
      margins.bottom = 0;
      if (i > 0) {
        this.font('sans', 7.5, COLORS.muted);
        this.doc.text(this.options.headerLeft, this.left, 30, { width: this.width * 0.7, lineBreak: false, ellipsis: true });
        this.doc.text(this.options.headerRight, this.left + this.width * 0.7, 30, {
          width: this.width * 0.3,
          align: 'right',
          lineBreak: false,
        });
        this.doc
          .moveTo(this.left, 42)
          .lineTo(this.left + this.width, 42)
          .lineWidth(0.4)
          .strokeColor(COLORS.rule)
          .stroke();
      }
      const fy = PAGE.height - 38;
      this.doc
        .moveTo(this.left, fy - 6)
        .lineTo(this.left + this.width, fy - 6)
        .lineWidth(0.4)
        .strokeColor(COLORS.rule)
        .stroke();
      this.font('sans', 7.5, COLORS.muted);
      this.doc.text(this.options.footerLeft, this.left, fy, { width: this.width * 0.75, lineBreak: false, ellipsis: true });
      this.doc.text(`Page ${i + 1} of ${count}`, this.left + this.width * 0.75, fy, {
        width: this.width * 0.25,
        align: 'right',
        lineBreak: false,
      });
      margins.bottom = bottom;
    }
  }

  private fillContents(): void {
    if (this.contentsPage < 0) return;
    this.doc.switchToPage(this.contentsPage);
    this.doc.y = MARGIN.top;
    this.font('bold', 15).doc.text('Contents', this.left, MARGIN.top, { width: this.width });
    this.doc.y += 8;
    for (const entry of this.contents) {
      if (this.doc.y > this.bottom - 14) break;
      const indent = entry.level === 1 ? 0 : 16;
      const y = this.doc.y;
      this.font(entry.level === 1 ? 'bold' : 'sans', entry.level === 1 ? 10 : 9);
      this.doc.text(entry.title, this.left + indent, y, { width: this.width - indent - 50, lineBreak: false, ellipsis: true });
      this.doc.text(String(entry.page), this.left + this.width - 50, y, { width: 50, align: 'right', lineBreak: false });
      this.doc.y = y + (entry.level === 1 ? 16 : 13);
    }
  }

  /** Page count so far. */
  pages(): number {
    return this.doc.bufferedPageRange().count;
  }

  /** Adds contents, headers and footers, sets the content-derived ID and writes the file. */
  async end(): Promise<{ pages: number }> {
    const pages = this.pages();
    this.track('pages', pages);
    this.fillContents();
    this.decorate();
    // pdfkit derives the trailer /ID from the info dictionary; ours is derived from the content.
    (this.doc as unknown as { _id: Uint8Array })._id = new Uint8Array(this.content.digest().subarray(0, 16));
    this.doc.end();
    await finished(this.sink);
    return { pages };
  }
}
