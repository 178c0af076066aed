import type { FieldError } from './errors.js';

/**
 * The most field errors one answer lists. A body of 200,000 wrongly typed items has as many issues:
 * listing them all made a 10 MB problem document, and checking each against the ones kept (a linear
 * search) held the event loop for minutes.
 */
export const MAX_FIELD_ERRORS = 100;

/** Field errors one per path (the first issue of a field explains it), the first MAX_FIELD_ERRORS kept. */
export class FieldErrorList {
  readonly errors: FieldError[] = [];
  /** Issues after the list was full, counted without their paths (formatting millions of them cost seconds). */
  omitted = 0;
  private readonly seen = new Set<string>();

  get full(): boolean {
    return this.errors.length >= MAX_FIELD_ERRORS;
  }

  /**
   * True once the list is full, counting the issue as omitted: a caller with millions of issues skips
   * formatting their paths.
   */
  skip(): boolean {
    if (!this.full) return false;
    this.omitted++;
    return true;
  }

  add(path: string, message: string): void {
    if (this.full) this.omitted++;
    else if (!this.seen.has(path)) {
      this.seen.add(path);
      this.errors.push({ path, message });
    }
  }

  /** `; and N more problems` when some were left out, else nothing: for the end of a message. */
  more(): string {
    return this.omitted > 0 ? `; and ${this.omitted} more problem${this.omitted === 1 ? '' : 's'}` : '';
  }
}
