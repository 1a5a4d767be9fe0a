import type * as z from 'zod';

/**
 * A prompt as its file declares it: what clients show as a slash command, its arguments as
 * strict zod schemas, and the text that leads the model through the tools. The server registers
 * each one from PROMPTS, as it does tools.
 */
export interface PromptDefinition<A extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  arguments: A;
  /** The user message the prompt sends, from its validated arguments. */
  text: (args: z.infer<z.ZodObject<A>>) => string;
}

/** A prompt as the server sees it, whatever its arguments. */
export interface Prompt {
  name: string;
  title: string;
  description: string;
  arguments: z.ZodRawShape;
  /** The server validated args against `arguments` before calling. */
  text: (args: Record<string, unknown>) => string;
}

export function definePrompt<A extends z.ZodRawShape>(definition: PromptDefinition<A>): Prompt {
  return {
    ...definition,
    text: (args) => definition.text(args as z.infer<z.ZodObject<A>>),
  };
}
