/** Takes one attempt's body as it arrives; `end` gives the parsed JSON, or undefined when it is not JSON. */
export interface BodyReader {
  write(chunk: Buffer): void;
  end(): unknown;
}

/** The plain reader: the whole body, parsed once it is complete. */
export function wholeJsonBody(): BodyReader {
  const chunks: Buffer[] = [];
  return {
    write: (chunk) => {
      chunks.push(chunk);
    },
    end: () => {
      try {
        return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}
