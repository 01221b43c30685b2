// `node --import tsx --import ./test/app/helpers/fake-electron-register.mjs out/main/main.mjs`
// runs the built main process with the fake electron (test/app/bundle.test.ts).
import { register } from 'node:module';

register('./fake-electron-hooks.mjs', import.meta.url);
