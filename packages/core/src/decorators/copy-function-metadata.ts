/**
 * What a wrapped handler must keep of the method it replaces, so that the framework it runs in
 * still finds what other decorators put there: reflect-metadata entries (NestJS keeps a route's
 * path, HTTP method, guards and `SetMetadata` values on the method itself) and the function's
 * own properties. Written by hand because it is a loop over two reflection APIs: core takes
 * no dependency on reflect-metadata and uses it only when the application has loaded it.
 */

/** The part of reflect-metadata's API used here, present only when an application loaded it. */
interface MetadataReflect {
  getOwnMetadataKeys?: (target: object) => unknown[]
  getOwnMetadata?: (key: unknown, target: object) => unknown
  defineMetadata?: (key: unknown, value: unknown, target: object) => void
}

/** Own properties every function has, or that must stay the wrapper's own. */
const KEEP = new Set<string | symbol>(['length', 'name', 'prototype', 'arguments', 'caller'])

/**
 * Copies onto `to` the reflect-metadata entries (when `Reflect.getOwnMetadataKeys` exists) and
 * the own properties (string and symbol keys, but `name`, `length`, `prototype` and those in
 * `except`) of each of `from`, in order, so a later source wins.
 *
 * @example
 * ```ts
 * copyFunctionMetadata(wrapper, [original, previousWrapper], [ORIGINAL])
 * Reflect.getMetadata('path', wrapper) // the route NestJS's @Get(':id') put on the original
 * ```
 */
export function copyFunctionMetadata(
  to: object,
  from: readonly object[],
  except: readonly (string | symbol)[] = [],
): void {
  const {
    getOwnMetadataKeys: keys,
    getOwnMetadata: get,
    defineMetadata: define,
  } = Reflect as MetadataReflect
  for (const source of from) {
    if (keys && get && define) {
      for (const key of keys.call(Reflect, source)) {
        define.call(Reflect, key, get.call(Reflect, key, source), to)
      }
    }
    for (const key of Reflect.ownKeys(source)) {
      if (KEEP.has(key) || except.includes(key)) continue
      const descriptor = Object.getOwnPropertyDescriptor(source, key)
      const existing = Object.getOwnPropertyDescriptor(to, key)
      if (descriptor && (!existing || existing.configurable)) {
        Object.defineProperty(to, key, descriptor)
      }
    }
  }
}
