// A TypeDoc plugin for the house rule "TSDoc on every public export, with an @example": it
// warns about each export of a package entry point whose comment has no @example block, and
// typedoc.json turns warnings into errors. TypeDoc's own `notDocumented` validation already
// catches exports without any comment; no TypeDoc option checks for a particular tag.
import { Application, ReflectionKind } from 'typedoc'

const CHECKED =
  ReflectionKind.Function |
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.TypeAlias |
  ReflectionKind.Variable

/** The comments that document a reflection: its own, and its call signatures' for functions. */
function comments(reflection) {
  const own = reflection.comment ? [reflection.comment] : []
  const signatures = (reflection.signatures ?? []).flatMap((s) => (s.comment ? [s.comment] : []))
  return [...own, ...signatures]
}

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    for (const reflection of project.getReflectionsByKind(CHECKED)) {
      // Only exports of a package's entry point: members of classes and interfaces are checked
      // by TypeDoc's notDocumented validation.
      if (!reflection.parent?.kindOf(ReflectionKind.Module | ReflectionKind.Project)) continue
      if (comments(reflection).some((comment) => comment.getTag('@example'))) continue
      const source = reflection.sources?.[0]
      const where = source ? ` (${source.fileName}:${source.line})` : ''
      app.logger.warn(
        `${reflection.getFriendlyFullName()} is exported but its TSDoc has no @example${where}`,
      )
    }
  })
}
