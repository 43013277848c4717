/**
 * Terminal output of `pnpm start`: colours only on a terminal, and never when `NO_COLOR` is set
 * (https://no-color.org), so the output stays plain in pipes, logs and tests.
 */
import { styleText } from 'node:util'

type Style = Parameters<typeof styleText>[0]

/** Whether to colour what goes to `stream`: a TTY, and `NO_COLOR` unset or empty. */
export function colourEnabled(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '')
}

/** Returns `paint(style, text)`: styled text when colours are on, the text itself otherwise. */
export function painter(enabled: boolean): (style: Style, text: string) => string {
  // validateStream: false, because whether to colour was decided here, once, for stdout.
  return enabled
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_, text) => text
}

/** One curl case: the status it answers with, what it shows, and the command. */
export interface CurlCase {
  status: number
  label: string
  command: string
}

/**
 * The `# <status>: <label>` line and the command under it, the shape test/examples.test.ts
 * replays. Only the comment line is coloured: the command is pasted as it is.
 */
export function formatCase(paint: ReturnType<typeof painter>, c: CurlCase): string {
  const colour = c.status < 300 ? 'green' : c.status < 500 ? 'yellow' : 'red'
  return `${paint(colour, `# ${c.status}: ${c.label}`)}\n${c.command}`
}
