// A bounded wait: the answer if it comes within `ms`, else undefined (also on rejection). The work
// itself is not cancelled; callers bound its cost separately (the Redis client's own timeout).

export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
