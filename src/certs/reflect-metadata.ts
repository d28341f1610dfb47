// @peculiar/x509 depends on tsyringe, which refuses to load unless `Reflect.getMetadata` exists (the
// "reflect-metadata" polyfill, which is not a dependency here). tsyringe only reads and writes a few
// metadata entries, so a small WeakMap-backed stand-in is enough. Import this module before
// @peculiar/x509; it installs nothing when a real polyfill is already present.

type MetadataKey = unknown;
type Target = object;

const store = new WeakMap<Target, Map<PropertyKey | undefined, Map<MetadataKey, unknown>>>();

function own(
  target: Target,
  property: PropertyKey | undefined,
  create: boolean,
): Map<MetadataKey, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (!entries && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect['getMetadata'] !== 'function') {
  reflect['defineMetadata'] = (
    key: MetadataKey,
    value: unknown,
    target: Target,
    property?: PropertyKey,
  ): void => {
    own(target, property, true)?.set(key, value);
  };
  reflect['getOwnMetadata'] = (key: MetadataKey, target: Target, property?: PropertyKey): unknown =>
    own(target, property, false)?.get(key);
  reflect['hasOwnMetadata'] = (key: MetadataKey, target: Target, property?: PropertyKey): boolean =>
    own(target, property, false)?.has(key) ?? false;
  // The real polyfill, when loaded later (acme-client's @peculiar/x509 1.x requires it), keeps this
  // store as a fallback provider and needs these two to read and clear it.
  reflect['getOwnMetadataKeys'] = (target: Target, property?: PropertyKey): MetadataKey[] => [
    ...(own(target, property, false)?.keys() ?? []),
  ];
  reflect['deleteMetadata'] = (key: MetadataKey, target: Target, property?: PropertyKey): boolean =>
    own(target, property, false)?.delete(key) ?? false;
  reflect['getMetadata'] = (key: MetadataKey, target: Target, property?: PropertyKey): unknown => {
    // Walk the prototype chain, like the real polyfill; bounded by the chain's length.
    for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
      const entries = own(t, property, false);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  };
  reflect['hasMetadata'] = (key: MetadataKey, target: Target, property?: PropertyKey): boolean => {
    for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
      if (own(t, property, false)?.has(key)) return true;
    }
    return false;
  };
  reflect['metadata'] =
    (key: MetadataKey, value: unknown) =>
    (target: Target, property?: PropertyKey): void => {
      own(target, property, true)?.set(key, value);
    };
}
