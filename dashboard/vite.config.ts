// Builds src/main.tsx into dist/dashboard.js and dist/dashboard.css with fixed names: the gateway
// embeds them with include_bytes! and versions their URLs with a hash of their content itself.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // One CSS file for the whole app, no preload helper, no source maps (the binary would carry
    // them), and nothing inlined as data URLs that the CSP would have to allow.
    cssCodeSplit: false,
    modulePreload: false,
    sourcemap: false,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    rollupOptions: {
      input: 'src/main.tsx',
      output: {
        format: 'iife',
        entryFileNames: 'dashboard.js',
        assetFileNames: 'dashboard[extname]',
      },
    },
  },
});
