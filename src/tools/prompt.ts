import type * as z from 'zod';
import type { Tool } from './tool.js';

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
  /** Every tool its text leads the model to: the prompt is served only when all of them are. */
  uses: readonly Tool[];
  /** The user message the prompt sends, from its validated arguments. */
  text: (args: z.infer<z.ZodObject<A>>) => string;
}

/** A prompt as the server sees it, whatever its arguments. */
export interface Prompt {
  name: string;
  title: string;
  description: string;
  arguments: z.ZodRawShape;
  uses: readonly Tool[];
  /** The server validated args against `arguments` before calling. */
  text: (args: Record<string, unknown>) => string;
}

export function definePrompt<A extends z.ZodRawShape>(definition: PromptDefinition<A>): Prompt {
  return {
    ...definition,
    text: (args) => definition.text(args as z.infer<z.ZodObject<A>>),
  };
}
