/** Runs `fn` over `items` with at most `limit` calls in flight; errors are passed to `onError`. */
export async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>, onError?: (item: T, e: unknown) => void): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        onError?.(item, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
