// The window's UI: one static build (out/renderer) served both by Electron from app://varsync/
// and by the headless daemon over loopback HTTP, so every asset path is relative (base './').
// Everything is an external file: the page runs under a strict Content-Security-Policy with no
// inline scripts or styles.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from '../shared/content-security-policy.js';

/** The policy both hosts send as a header, repeated as a <meta> so it holds even if a host forgets. */

function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'varsync:csp-meta',
    apply: 'build', // the dev server injects its own client script
    // Right after <meta charset>: a policy applies only to what follows it.
    transformIndexHtml(html) {
      const charset = '<meta charset="utf-8" />';
      if (!html.includes(charset))
        throw new Error(`renderer/index.html must contain ${charset} (the policy goes right after it)`);
      return html.replace(
        charset,
        `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`,
      );
    },
  };
}

/** The packages' files the page is made of, for the third-party notices (scripts/third-party-notices.mjs). */
function bundledModulesList(): Plugin {
  const root = fileURLToPath(new URL('..', import.meta.url));
  let outDir = '';
  const modules = new Set<string>();
  return {
    name: 'varsync:bundled-modules',
    apply: 'build',
    configResolved: (config) => void (outDir = config.build.outDir),
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle))
        if (output.type === 'chunk') for (const id of output.moduleIds) modules.add(relative(root, id));
    },
    writeBundle() {
      writeFileSync(join(outDir, 'bundled-modules.json'), JSON.stringify([...modules].sort()));
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  plugins: [
    preact({ prefreshEnabled: true, devToolsEnabled: false }),
    contentSecurityPolicyMeta(),
    bundledModulesList(),
  ],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline <script>, which the policy forbids; every target supports modulepreload.
    modulePreload: { polyfill: false },
    // No data: URLs for scripts or styles; every asset is a file beside index.html.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    reportCompressedSize: true,
    rolldownOptions: {
      output: {
        // V8 compiles every function of the file at once, on the thread that streams it in, and
        // keeps them in its code cache: the window calls most of them for its first screen, which
        // otherwise waited for each to be compiled on first call (bench 7: data -> first frame
        // 7-12 ms sooner). Chromium 136 and later read this comment.
        postBanner: '//# allFunctionsCalledOnLoad',
      },
    },
  },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
