// Module resolution hooks: `electron` is the fake (test/app/bundle.test.ts); everything else as
// usual. The fake is resolved through the next hooks too, so that tsx can load TypeScript.
const FAKE = new URL('./electron-in-process.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier === 'electron' ? FAKE : specifier, context);
}
