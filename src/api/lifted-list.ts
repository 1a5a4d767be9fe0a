import type { BodyReader } from './body-reader.js';
import { JsonArraySplitter } from './json-array-splitter.js';

/**
 * A body whose one list is lifted out as it arrives (see JsonArraySplitter): each item is read
 * on its own by `read`, which hands it on and says what is wrong with it, if anything, so no
 * item outlives its own moment. The transport sees the rest of the body, with the list emptied,
 * and checks its envelope as usual; the client then reports `problem`, or uses what was handed on.
 */
export class LiftedListReader implements BodyReader {
  /** What is wrong with the first item that failed, paths and rules only; later items are not read. */
  private firstProblem: string | undefined;
  private duplicatePath = false;
  private readonly splitter: JsonArraySplitter;

  constructor(
    private readonly path: readonly string[],
    /** Reads one item; `where` names where it sits in the body, for a message about it. */
    read: (value: unknown, where: () => string) => string | undefined,
  ) {
    this.splitter = new JsonArraySplitter(path, (value, index) => {
      if (this.firstProblem !== undefined) return;
      this.firstProblem = read(value, () => `${path.join('.')}[${index}]`);
    });
  }

  write(chunk: Buffer): void {
    this.splitter.write(chunk);
  }

  end(): unknown {
    const { skeleton, duplicatePath } = this.splitter.end();
    this.duplicatePath = duplicatePath;
    return skeleton;
  }

  get problem(): string | undefined {
    if (this.duplicatePath) return `${this.path.join('.')} is given more than once, so which list counts is ambiguous`;
    return this.firstProblem;
  }
}
